import fs from 'node:fs';
import path from 'node:path';

/** Quote a field only when it needs it (comma, quote, newline), as RFC 4180 does. */
export const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const BUFFER_BYTES = 1 << 20;

/**
 * Appends CSV lines to one file through a 1 MB buffer written synchronously, so memory stays flat
 * however many rows the city has, and line strings die young (cheap for the garbage collector).
 * Lines are joined by the caller (fields are codes, numbers and plain text).
 */
export class CsvSink {
  readonly file: string;
  rows = 0;
  private readonly fd: number;
  private readonly buf = Buffer.alloc(BUFFER_BYTES);
  private pos = 0;

  constructor(
    readonly dataset: string,
    dir: string,
    header: readonly string[],
  ) {
    this.file = path.join(dir, `${dataset}.csv`);
    this.fd = fs.openSync(this.file, 'w');
    this.append(header.join(','));
  }

  private append(s: string): void {
    // a UTF-16 code unit never takes more than 3 bytes in UTF-8
    if (this.pos + s.length * 3 + 1 > BUFFER_BYTES) this.flush();
    this.pos += this.buf.write(s, this.pos);
    this.buf[this.pos++] = 10;
  }

  line(s: string): void {
    this.append(s);
    this.rows++;
  }

  flush(): void {
    if (this.pos === 0) return;
    fs.writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
