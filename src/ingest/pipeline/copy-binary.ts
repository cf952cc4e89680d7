import { sql, type Kysely } from 'kysely';
import type { CopyFormat } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import { CopyBuffer, csvField } from './staging.js';

/*
 * PostgreSQL's binary COPY format for the importer's loads (staging tables and the direct path).
 * Parsed rows are already typed (integer fen, 'YYYY-MM-DD' dates, 'YYYY-MM-DD HH:MM:SS+08' times):
 * written as the server's own binary values, the server stores them without parsing text again, which
 * is most of a COPY's work on its side (measured, 1M payments into a staging table on PGlite: 2.7 s
 * as CSV, 1.7 s as binary).
 * Stream: signature, flags, header extension; per row a field count and each field as a length
 * (-1 for NULL) and its bytes, big-endian; a -1 field count ends it. Every COPY is a whole stream.
 */

/** The column types written in binary; a table with any other type is loaded as CSV. */
export type BinaryType = 'text' | 'int4' | 'int8' | 'date' | 'timestamptz' | 'bool';

const BY_TYPNAME: Record<string, BinaryType> = {
  text: 'text',
  int4: 'int4',
  int8: 'int8',
  date: 'date',
  timestamptz: 'timestamptz',
  bool: 'bool',
};

/**
 * The binary types of a table's columns, in the order asked; null when one of them has a type this
 * writer does not know (the caller writes CSV).
 */
export async function binaryTypes(
  db: Kysely<DB>,
  table: string,
  columns: readonly string[],
): Promise<BinaryType[] | null> {
  const r = await sql<{ name: string; typname: string }>`
    select a.attname as name, t.typname from pg_attribute a join pg_type t on t.oid = a.atttypid
    where a.attrelid = ${table}::regclass and a.attnum > 0 and not a.attisdropped`.execute(db);
  const byName = new Map(r.rows.map((x) => [x.name, BY_TYPNAME[x.typname]]));
  const types: BinaryType[] = [];
  for (const c of columns) {
    const t = byName.get(c);
    if (t === undefined) return null;
    types.push(t);
  }
  return types;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;
/** 1970-01-01 → 2000-01-01, PostgreSQL's epoch */
const PG_EPOCH_DAYS = 10_957;
const TWO_32 = 2 ** 32;
/** Asia/Shanghai, the offset every parsed time carries */
const OFFSET_S = 8 * 3600;

/** Days from 1970-01-01 to a civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const digits = (s: string, i: number, n: number): number => {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
};

/** Days since 2000-01-01 of 'YYYY-MM-DD' (what the parser writes), NaN for anything else. */
export function pgDays(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return NaN;
  return daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) - PG_EPOCH_DAYS;
}

/** Microseconds since 2000-01-01 00:00 UTC of 'YYYY-MM-DD HH:MM:SS+08', NaN for anything else. */
export function pgMicros(s: string): number {
  if (s.length !== 22 || s.charCodeAt(10) !== 0x20 || !s.endsWith('+08')) return NaN;
  const secs = digits(s, 11, 2) * 3600 + digits(s, 14, 2) * 60 + digits(s, 17, 2);
  return ((pgDays(s) * 86_400 + secs - OFFSET_S) * 1_000_000) as number;
}

class UnexpectedValue extends Error {}

/**
 * Rows written as one binary COPY stream at a time, in a byte buffer reused between takes (like
 * staging.ts CopyBuffer, which writes CSV). Numbers go through a DataView and ASCII text is copied a
 * character at a time: a native Buffer call per field cost more than the server saved.
 */
export class BinaryCopyBuffer {
  private buf: Buffer;
  private view: DataView;
  private pos = 0;
  private spare: Buffer | null = null;
  /** rows written since the last take() */
  rows = 0;

  constructor(
    private readonly types: readonly BinaryType[],
    private readonly reuse = false,
    initialBytes = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(initialBytes, HEADER_BYTES + 2));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.header();
  }

  get bytes(): number {
    return this.pos;
  }

  private header(): void {
    SIGNATURE.copy(this.buf, 0);
    this.view.setInt32(SIGNATURE.length, 0);
    this.view.setInt32(SIGNATURE.length + 4, 0);
    this.pos = HEADER_BYTES;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.pos + n, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.use(bigger);
  }

  private int64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.view.setInt32(this.pos, 8);
    this.view.setInt32(this.pos + 4, hi);
    this.view.setUint32(this.pos + 8, v - hi * TWO_32);
    this.pos += 12;
  }

  private text(s: string): void {
    const len = s.length;
    this.room(4 + len * 3);
    const buf = this.buf;
    const start = this.pos + 4;
    let p = start;
    for (let k = 0; k < len; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) {
        p = start + buf.write(s, start);
        break;
      }
      buf[p++] = c;
    }
    this.view.setInt32(this.pos, p - start);
    this.pos = p;
  }

  /**
   * One row: its values in the order of the types. A value of another shape than the parser writes
   * is a programming error (thrown, nothing of the row written).
   */
  push(values: readonly unknown[]): void {
    const { types } = this;
    const start = this.pos;
    try {
      this.room(2);
      this.view.setInt16(this.pos, types.length);
      this.pos += 2;
      for (let i = 0; i < types.length; i++) this.field(types[i] as BinaryType, values[i]);
    } catch (e) {
      this.pos = start;
      throw e instanceof UnexpectedValue ? new Error(e.message) : e;
    }
    this.rows++;
  }

  private field(type: BinaryType, v: unknown): void {
    if (v === null || v === undefined) {
      this.room(4);
      this.view.setInt32(this.pos, -1);
      this.pos += 4;
      return;
    }
    switch (type) {
      case 'text':
        this.text(typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));
        return;
      case 'int4':
        if (!Number.isInteger(v)) throw new UnexpectedValue(`not an integer: ${String(v)}`);
        this.room(8);
        this.view.setInt32(this.pos, 4);
        this.view.setInt32(this.pos + 4, v as number);
        this.pos += 8;
        return;
      case 'int8':
        if (!Number.isSafeInteger(v)) throw new UnexpectedValue(`not a safe integer: ${String(v)}`);
        this.room(12);
        this.int64(v as number);
        return;
      case 'date': {
        const d = typeof v === 'string' && v.length === 10 ? pgDays(v) : NaN;
        if (!Number.isInteger(d)) throw new UnexpectedValue(`not a YYYY-MM-DD date: ${String(v)}`);
        this.room(8);
        this.view.setInt32(this.pos, 4);
        this.view.setInt32(this.pos + 4, d);
        this.pos += 8;
        return;
      }
      case 'timestamptz': {
        const us = typeof v === 'string' ? pgMicros(v) : NaN;
        if (!Number.isSafeInteger(us)) {
          throw new UnexpectedValue(`not a YYYY-MM-DD HH:MM:SS+08 time: ${String(v)}`);
        }
        this.room(12);
        this.int64(us);
        return;
      }
      case 'bool':
        if (typeof v !== 'boolean') throw new UnexpectedValue(`not a boolean: ${String(v)}`);
        this.room(5);
        this.view.setInt32(this.pos, 1);
        this.buf[this.pos + 4] = v ? 1 : 0;
        this.pos += 5;
        return;
    }
  }

  /**
   * The stream of the rows written since the last take (trailer included). With `reuse` (a server
   * reached over a socket): this buffer's memory, handed over without a copy (copying tens of megabytes
   * into fresh pages cost a tenth of the load), rows going on into the spare buffer recycle() gave back,
   * or into a new one. Without (the embedded engine): a buffer of its own, exactly the stream's size,
   * which the engine's worker takes over whole without a copy (a part of a larger buffer would be
   * copied there, and the spare kept here: measured, 50 MiB more peak RSS).
   */
  take(): Buffer {
    this.room(2);
    this.view.setInt16(this.pos, -1);
    const end = this.pos + 2;
    let out: Buffer;
    if (this.reuse) {
      out = this.buf.subarray(0, end);
      const spare = this.spare;
      this.spare = null;
      this.use(
        spare !== null && spare.length >= this.buf.length ? spare : Buffer.allocUnsafeSlow(this.buf.length),
      );
    } else {
      out = Buffer.allocUnsafeSlow(end);
      this.buf.copy(out, 0, 0, end);
    }
    this.header();
    this.rows = 0;
    return out;
  }

  /**
   * A stream from take() that has been loaded: its memory is written again, unless the engine took it
   * (a transferred ArrayBuffer is detached).
   */
  recycle(stream: Buffer): void {
    const ab = stream.buffer;
    if (
      this.reuse &&
      this.spare === null &&
      ab.byteLength > 0 &&
      stream.byteOffset === 0 &&
      ab !== this.buf.buffer
    ) {
      this.spare = Buffer.from(ab, 0, ab.byteLength);
    }
  }

  private use(b: Buffer): void {
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
}

/**
 * The rows of one COPY target (`table`, `columns`): binary when binaryTypes knows every column's type,
 * else CSV (staging.ts CopyBuffer, csvField). Values in the order of `columns`.
 */
export class RowCopyBuffer {
  private constructor(
    readonly table: string,
    readonly columns: readonly string[],
    readonly format: CopyFormat,
    private readonly buffer: BinaryCopyBuffer | CopyBuffer,
  ) {}

  /** `reuse`: the streams go to a server over a socket (BinaryCopyBuffer.take). */
  static async forTable(
    db: Kysely<DB>,
    table: string,
    columns: readonly string[],
    opts: { reuse: boolean },
  ): Promise<RowCopyBuffer> {
    const types = await binaryTypes(db, table, columns);
    return types
      ? new RowCopyBuffer(table, columns, 'binary', new BinaryCopyBuffer(types, opts.reuse))
      : new RowCopyBuffer(table, columns, 'csv', new CopyBuffer());
  }

  get rows(): number {
    return this.buffer.rows;
  }

  get bytes(): number {
    return this.buffer.bytes;
  }

  push(values: readonly unknown[]): void {
    if (this.buffer instanceof BinaryCopyBuffer) this.buffer.push(values);
    else this.buffer.push(`${values.map(csvField).join(',')}\n`);
  }

  take(): Buffer {
    return this.buffer.take();
  }

  /** A stream from take() that has been loaded (BinaryCopyBuffer.recycle). */
  recycle(stream: Buffer): void {
    if (this.buffer instanceof BinaryCopyBuffer) this.buffer.recycle(stream);
  }
}
