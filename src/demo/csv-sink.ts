import fs from 'node:fs';
import path from 'node:path';

/** Quote a field only when it needs it (comma, quote, newline), as RFC 4180 does. */
export const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const FLUSH_AT = 1 << 20;

/**
 * Appends CSV lines to one file with synchronous writes of ~1 MB, so memory stays flat however many
 * rows the city has. Lines are joined by the caller (fields are codes, numbers and plain text).
 */
export class CsvSink {
  readonly file: string;
  rows = 0;
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;

  constructor(
    readonly dataset: string,
    dir: string,
    header: readonly string[],
  ) {
    this.file = path.join(dir, `${dataset}.csv`);
    this.fd = fs.openSync(this.file, 'w');
    this.chunks.push(`${header.join(',')}\n`);
  }

  line(s: string): void {
    this.chunks.push(s, '\n');
    this.size += s.length + 1;
    this.rows++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
