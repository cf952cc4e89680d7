import { parse, type Parser } from 'csv-parse';

/** The csv-parse options the reader has always used; the fast path below reproduces their results. */
const CSV_OPTIONS = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: false,
  bom: false,
} as const;

const QUOTE = 0x22;
/** Text kept waiting for a line ending before csv-parse takes over. */
const MAX_PENDING = 1 << 20;

/**
 * CSV records from decoded text chunks, as csv-parse (with CSV_OPTIONS) would give them, several times
 * faster on the common case. csv-parse takes the first line ending it meets (outside quotes) as the record
 * delimiter of the whole file; lines are then cut at that delimiter with indexOf and split. A line whose
 * quotes are anything but well-formed quoted fields (`"a,b"`, `"say ""hi"""`) — a quoted newline, a quote
 * inside an unquoted field, text after a closing quote — hands the rest of the file, from that line on, to
 * csv-parse with the same delimiters, which also reports malformed files. Records reach `emit`
 * synchronously inside write()/end(); csv-parse errors reach `fail`.
 */
export class CsvTokenizer {
  private pending = '';
  private eol: '\n' | '\r\n' | null = null;
  /** The line ending is csv-parse's record delimiter only once a line ended by it was a record. */
  private confirmed = false;
  private slow: Parser | null = null;
  private slowDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly delimiter: string,
    private readonly emit: (cells: string[]) => void,
    private readonly fail: (e: unknown) => void,
  ) {}

  write(text: string): void {
    if (this.slow) {
      this.slow.write(text);
      return;
    }
    const s = this.pending === '' ? text : this.pending + text;
    this.pending = '';
    this.tokenize(s, false);
  }

  end(): void {
    if (!this.slow) {
      const s = this.pending;
      this.pending = '';
      this.tokenize(s, true);
    }
    this.slow?.end();
  }

  destroy(): void {
    this.slow?.destroy();
  }

  private tokenize(s: string, eof: boolean): void {
    let pos = 0;
    if (this.eol === null) {
      const lf = s.indexOf('\n');
      const cr = s.indexOf('\r');
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 < s.length && s.charCodeAt(cr + 1) === 0x0a) this.eol = '\r\n';
        else if (cr + 1 === s.length && !eof) {
          this.pending = s; // `\r` or `\r\n`: wait for the next character
          return;
        } else return this.toSlow(s); // old Mac line endings: rare, csv-parse handles them
      } else if (lf >= 0) this.eol = '\n';
      else if (!eof) {
        if (s.length > MAX_PENDING) this.toSlow(s);
        else this.pending = s;
        return;
      }
    }
    const eol = this.eol;
    if (eol !== null) {
      const step = eol.length;
      for (;;) {
        const end = s.indexOf(eol, pos);
        if (end < 0) break;
        if (!this.record(s.slice(pos, end))) return this.toSlow(s.slice(pos));
        this.confirmed = true;
        pos = end + step;
      }
    }
    const rest = pos === 0 ? s : s.slice(pos);
    // a line still open after a megabyte would be searched again with every chunk (quadratic): csv-parse
    // reads on from here in one pass
    if (!eof && rest.length > MAX_PENDING) this.toSlow(rest);
    else if (!eof) this.pending = rest;
    // the last line without a line ending: a record unless empty; a stray CR or LF is csv-parse's business
    else if (rest !== '' && (rest.includes('\r') || rest.includes('\n') || !this.record(rest))) {
      this.toSlow(rest);
    }
  }

  /** One line as a record, or false when it needs csv-parse. */
  private record(line: string): boolean {
    const d = this.delimiter;
    if (!line.includes('"')) {
      this.emit(line.split(d));
      return true;
    }
    const cells: string[] = [];
    const n = line.length;
    let i = 0;
    for (;;) {
      if (line.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = line.indexOf('"', from);
          if (q < 0) return false; // the field goes on past the line (quoted newline) or never closes
          if (line.charCodeAt(q + 1) === QUOTE) {
            value += line.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += line.slice(from, q);
          i = q + 1;
          break;
        }
        cells.push(value);
        if (i === n) break;
        if (!line.startsWith(d, i)) return false;
        i += d.length;
      } else {
        const next = line.indexOf(d, i);
        const field = line.slice(i, next < 0 ? n : next);
        if (field.includes('"')) return false;
        cells.push(field);
        if (next < 0) break;
        i = next + d.length;
      }
    }
    this.emit(cells);
    return true;
  }

  private toSlow(rest: string): void {
    const slow = parse({
      ...CSV_OPTIONS,
      delimiter: this.delimiter,
      ...(this.eol === null || !this.confirmed ? {} : { record_delimiter: this.eol }),
    });
    slow.on('data', (rec: string[]) => this.emit(rec));
    slow.on('error', (e) => this.fail(e));
    this.slowDone = new Promise((resolve) => {
      slow.on('end', resolve);
      slow.on('close', resolve);
    });
    this.slow = slow;
    if (rest !== '') slow.write(rest);
  }

  /** Resolves once csv-parse (if it took over) has finished after end(). */
  finished(): Promise<void> {
    return this.slowDone;
  }
}
