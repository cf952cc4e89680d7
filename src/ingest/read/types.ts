/**
 * A typed cell as the readers give it. CSV cells are always strings. XLSX cells keep their type; a Date
 * holds the spreadsheet's wall-clock time in its UTC fields (spreadsheets have no time zone — the
 * contract reads them as Asia/Shanghai local time), so never read it with local-time getters.
 */
export type Cell = string | number | boolean | Date | CellError | null;

/** An xlsx cell whose formula's cached value is an error (#N/A, #DIV/0!…): never a value, always a row error. */
export class CellError {
  constructor(readonly code: string) {}
}

/** One physical row: `rowNo` is the row number as Excel shows it (1-based, blank rows counted). */
export type RawRow = { rowNo: number; cells: Cell[] };

export type Progress = { bytesRead: number; bytesTotal: number };

export type SheetSource = {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  sheet: string | null;
  /** xlsx workbooks in the 1904 date system shift serial numbers by 1462 days. */
  date1904: boolean;
  rows: AsyncIterator<RawRow>;
  /**
   * The same rows a batch at a time (what one read of the file yielded): a consumer of a million rows
   * pays for one promise per batch instead of one per row. Shares its position with `rows`.
   */
  batches: AsyncIterator<RawRow[]>;
  progress(): Progress;
  /** Release the file (stop reading early); safe to call twice. */
  close(): Promise<void>;
};
