import type { RowError } from '../../core/errors.js';
import type { DatasetDef } from '../../datasets/types.js';
import type { Cell } from '../read/types.js';
import { ROW_RULES, type RuleContext } from './row-rules.js';
import { cellParser, cellText, isEmptyCell, type CellParser, type ParseOptions } from './values.js';

export type ParsedRow = {
  /** Excel/physical row number (header row = its physical number, normally 1; blank rows counted). */
  rowNo: number;
  /** Original cells keyed by the header as written (for reject files), values as text. */
  readonly raw: Record<string, string>;
  /** DB-ready values keyed by column key, or null when errors.length > 0. */
  values: Record<string, unknown> | null;
  errors: RowError[];
};

/** Where each column of the dataset sits in the file: column key → cell index (present columns only). */
export type ColumnBinding = { header: readonly string[]; indexOf: ReadonlyMap<string, number> };

/** `第 12 行「缴费金额」值 "12.345"：金额最多两位小数` / `Row 12, column "缴费金额", value "12.345": at most two decimal places` */
export function rowError(row: number, column: string, value: string, zh: string, en: string): RowError {
  return {
    row,
    column,
    value,
    message_zh: `第 ${row} 行「${column}」值 "${value}"：${zh}`,
    message_en: `Row ${row}, column "${column}", value "${value}": ${en}`,
  };
}

const REQUIRED = { zh: '必填，不能为空', en: 'required, must not be empty' };

type Compiled = {
  key: string;
  index: number | undefined;
  /** the header as written, or the Chinese label when the (optional) column is absent */
  label: string;
  required: boolean;
  empty: unknown;
  parse: CellParser;
};

/** Compile a row parser for one file: cell parsers are built once, rows are parsed in a tight loop. */
export function createRowParser(
  def: DatasetDef,
  binding: ColumnBinding,
  opts: ParseOptions = {},
): (rowNo: number, cells: readonly Cell[]) => ParsedRow {
  const compiled: Compiled[] = def.columns.map((col) => {
    const index = binding.indexOf.get(col.key);
    return {
      key: col.key,
      index,
      label: index === undefined ? col.zh : (binding.header[index] ?? col.zh),
      required: col.required,
      empty: col.default ?? null,
      parse: cellParser(col, opts),
    };
  });
  const byKey = new Map(compiled.map((c) => [c.key, c]));
  const header = binding.header;
  const rule = ROW_RULES[def.key];

  return (rowNo, cells) => {
    const values: Record<string, unknown> = {};
    const errors: RowError[] = [];
    let failed: Set<string> | null = null;
    for (const c of compiled) {
      const cell = c.index === undefined ? null : (cells[c.index] ?? null);
      if (isEmptyCell(cell)) {
        if (c.required) {
          errors.push(rowError(rowNo, c.label, cellText(cell), REQUIRED.zh, REQUIRED.en));
          (failed ??= new Set()).add(c.key);
        } else values[c.key] = c.empty;
        continue;
      }
      const r = c.parse(cell);
      if (r.ok) values[c.key] = r.value;
      else {
        errors.push(rowError(rowNo, c.label, cellText(cell), r.zh, r.en));
        (failed ??= new Set()).add(c.key);
      }
    }
    if (rule) {
      const ctx: RuleContext = {
        values,
        hasColumn: (key) => byKey.get(key)?.index !== undefined,
        parsed: (key) => !failed?.has(key),
        error: (key, zh, en) => {
          const c = byKey.get(key);
          const cell = c?.index === undefined ? null : (cells[c.index] ?? null);
          errors.push(rowError(rowNo, c?.label ?? key, cellText(cell), zh, en));
        },
        set: (key, value) => {
          values[key] = value;
        },
      };
      rule(ctx);
    }
    return new Row(rowNo, header, cells, errors.length > 0 ? null : values, errors);
  };
}

/**
 * A parsed row. `raw` (the cells keyed by header, for reject files) is built only when asked for: most
 * rows are valid and never need it.
 */
class Row implements ParsedRow {
  private rawCells: Record<string, string> | null = null;
  constructor(
    readonly rowNo: number,
    private readonly header: readonly string[],
    private readonly cells: readonly Cell[],
    readonly values: Record<string, unknown> | null,
    readonly errors: RowError[],
  ) {}

  get raw(): Record<string, string> {
    if (this.rawCells) return this.rawCells;
    const raw: Record<string, string> = {};
    const { header, cells } = this;
    for (let i = 0; i < header.length; i++) {
      const h = header[i] as string;
      // a later duplicate header (an unknown column written twice) must not blank an earlier value
      if (raw[h] === undefined || raw[h] === '') raw[h] = cellText(cells[i] ?? null);
    }
    this.rawCells = raw;
    return raw;
  }
}
