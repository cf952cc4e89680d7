import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { CsvError } from 'csv-parse';
import iconv from 'iconv-lite';
import { CsvTokenizer } from './csv-tokenizer.js';
import { ImportFileError } from './file-error.js';
import type { RawRow, SheetSource } from './types.js';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

const SAMPLE = 64 * 1024;
/**
 * Bytes per read, and so per batch of records handed out. Measured: 16–64 KiB alike; 256 KiB makes
 * staging ~1.6× slower (a batch of records that big outlives the young generation and the GC pays for it).
 */
const READ_CHUNK = 64 * 1024;

/**
 * Detect the encoding from the first bytes: BOMs first, then NUL bytes (UTF-16 without a BOM and binary
 * files are refused), then valid UTF-8, then GB18030 when it decodes without replacement characters.
 * `complete` says the sample is the whole file; otherwise it is cut at its last newline byte so that a
 * multi-byte character split at the sample's end does not look invalid (0x0A never occurs inside a
 * UTF-8 or GB18030 multi-byte sequence).
 */
export function detectEncoding(sample: Buffer, complete: boolean): CsvEncoding | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return sample.includes(0) ? null : 'utf-8-bom';
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  if (sample.includes(0)) return null;
  let body = sample;
  if (!complete) {
    const nl = sample.lastIndexOf(0x0a);
    body = nl >= 0 ? sample.subarray(0, nl + 1) : sample.subarray(0, Math.max(0, sample.length - 3));
  }
  if (isUtf8(body)) return 'utf-8';
  if (!iconv.decode(body, 'gb18030').includes('\uFFFD')) return 'gb18030';
  return null;
}

const ICONV_NAME: Record<CsvEncoding, string> = {
  'utf-8': 'utf8',
  'utf-8-bom': 'utf8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  gb18030: 'gb18030',
};

async function readSample(filePath: string): Promise<{ sample: Buffer; size: number }> {
  const fh = await fs.promises.open(filePath, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(SAMPLE, size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { sample: buf.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

/** The first line with something in it, once it is complete (or the text ends). CR, LF and CRLF end lines. */
export function firstLine(text: string, eof: boolean): string | null {
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    const cr = text.indexOf('\r', start);
    const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
    if (end < 0) return eof ? text.slice(start) : null;
    const line = text.slice(start, end);
    if (line.trim() !== '') return line;
    start = end + 1;
  }
}

function csvFailure(e: unknown, row: number): unknown {
  const err = e as Partial<CsvError>;
  if (typeof err.code !== 'string' || !err.code.startsWith('CSV_')) return e;
  return new ImportFileError([
    {
      row,
      column: null,
      value: null,
      message_zh: `第 ${row} 行起 CSV 格式错误（如引号未闭合）：${err.message ?? ''}`,
      message_en: `CSV format error from row ${row} (e.g. an unclosed quote): ${err.message ?? ''}`,
    },
  ]);
}

const invalidBytes = (encoding: CsvEncoding, offset: number) =>
  ImportFileError.of(
    `不支持的文件编码：第 ${offset} 字节之后有 ${encoding} 无法解码的字节，请检查文件编码`,
    `unsupported encoding: bytes after offset ${offset} are not valid ${encoding}; check the file's encoding`,
  );

const unsupportedEncoding = () =>
  ImportFileError.of(
    '不支持的文件编码：请另存为 UTF-8、GB18030/GBK 或带 BOM 的 UTF-16（Unicode 文本）',
    'unsupported encoding: save the file as UTF-8, GB18030/GBK or UTF-16 with a BOM (Unicode text)',
  );

/**
 * A streaming CSV reader. Bytes are decoded by an iconv-lite decoder fed chunk by chunk (it keeps a
 * character split across chunks), parsed by csv-parse, and numbered the way Excel shows the file: one
 * row per record (a quoted newline stays inside its row), blank lines counted.
 */
export async function openCsv(filePath: string): Promise<SheetSource> {
  const { sample, size } = await readSample(filePath);
  const encoding = detectEncoding(sample, sample.length >= size);
  if (encoding === null) throw unsupportedEncoding();

  const file = fs.createReadStream(filePath, { highWaterMark: READ_CHUNK });
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = iconv.getDecoder(ICONV_NAME[encoding]);
  let bytesRead = 0;
  let eof = false;
  // Bytes invalid in the detected encoding past the sample decode to U+FFFD: refuse the file rather than
  // store replacement characters (a genuine U+FFFD, e.g. bytes EF BF BD in UTF-8, is allowed).
  const replacement = iconv.encode('\uFFFD', ICONV_NAME[encoding]);
  let prevTail: Buffer = Buffer.alloc(0);
  const checkDecoded = (text: string, raw: Buffer): void => {
    if (!text.includes('\uFFFD')) return;
    const genuine = Buffer.concat([prevTail, raw]).includes(replacement);
    if (!genuine) throw invalidBytes(encoding, bytesRead);
  };
  const nextText = async (): Promise<string | null> => {
    const r = await chunks.next();
    if (r.done) {
      eof = true;
      const rest = decoder.end() ?? '';
      checkDecoded(rest, Buffer.alloc(0));
      return rest;
    }
    const text = decoder.write(r.value);
    checkDecoded(text, r.value);
    bytesRead += r.value.length;
    prevTail = r.value.subarray(Math.max(0, r.value.length - 3));
    return text;
  };

  // Read until the header line is complete to choose the delimiter.
  let head = '';
  let line: string | null = null;
  try {
    while (line === null) {
      head += (await nextText()) ?? '';
      // a first line longer than 1 MiB is not a header: decide on what we have instead of buffering on
      line = firstLine(head, eof || head.length > 1 << 20);
    }
  } catch (e) {
    file.destroy();
    throw e;
  }
  const delimiter = line.includes('\t') && !line.includes(',') ? '\t' : ',';

  // records reach `batch` synchronously inside write(): each decoded chunk is tokenized into a batch that is
  // handed out before the next chunk is read. Rows leave through a plain iterator (no async generator per
  // row: at a million rows its bookkeeping costs more than the tokenizing)
  let batch: string[][] = [];
  let failure: unknown = null;
  const parser = new CsvTokenizer(
    delimiter,
    (rec) => batch.push(rec),
    (e) => {
      failure ??= e;
    },
  );

  let pendingHead: string | null = head === '' ? null : head;
  let ended = false;
  let ready: string[][] = [];
  let at = 0;
  let rowNo = 0;
  /** Tokenize decoded text until records are ready (true) or the file has ended (false). */
  const refill = async (): Promise<boolean> => {
    for (;;) {
      if (batch.length > 0) {
        ready = batch;
        batch = [];
        at = 0;
        return true;
      }
      if (failure !== null) throw csvFailure(failure, rowNo + 1);
      if (ended) return false;
      if (pendingHead !== null) {
        const h = pendingHead;
        pendingHead = null;
        parser.write(h);
      } else if (!eof) {
        const text = await nextText();
        if (text) parser.write(text);
      } else {
        ended = true;
        parser.end();
        await parser.finished();
      }
    }
  };
  const take = (): IteratorResult<RawRow> => ({
    done: false,
    value: { rowNo: ++rowNo, cells: ready[at++] as string[] },
  });
  const rows: AsyncIterator<RawRow> = {
    next: () =>
      at < ready.length
        ? Promise.resolve(take())
        : refill().then((more) => (more ? take() : { done: true, value: undefined })),
  };
  const batches: AsyncIterator<RawRow[]> = {
    next: async () => {
      if (at >= ready.length && !(await refill())) return { done: true, value: undefined };
      const out: RawRow[] = new Array<RawRow>(ready.length - at);
      for (let i = 0; i < out.length; i++) out[i] = { rowNo: ++rowNo, cells: ready[at++] as string[] };
      return { done: false, value: out };
    },
  };

  const close = async (): Promise<void> => {
    parser.destroy();
    file.destroy();
  };
  return {
    format: 'csv',
    encoding,
    sheet: null,
    date1904: false,
    rows,
    batches,
    progress: () => ({ bytesRead, bytesTotal: size }),
    close,
  };
}
