import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { Open, type ZipEntry } from 'unzipper';
import { excelSerialToDate } from '../parse/values.js';
import { ImportFileError } from './file-error.js';
import { CellError, type Cell, type RawRow, type SheetSource } from './types.js';

/*
 * Why our own reader and not exceljs's WorkbookReader: it walks the zip in stored order, and Excel stores
 * the worksheets BEFORE sharedStrings.xml and styles.xml — so it spools every sheet to a temp file before
 * reading a row, finds date styles only by luck of order, and recognises sheets only under the literal
 * path `xl/worksheets/sheetN.xml` (sheet names come out wrong when workbook.xml is late; there are also
 * known races on Node ≥ 18). Reading the zip's central directory (unzipper's Open) lets us load the small
 * parts first (workbook, rels, styles, shared strings) and then stream only the chosen sheet through a
 * SAX parser (saxes), one decompressed chunk at a time: memory is bounded by the shared-string table.
 */

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Feed a whole small XML part to saxes. */
async function parseXml(entry: ZipEntry, onOpen: (tag: SaxesTagPlain) => void): Promise<void> {
  const parser = new SaxesParser();
  parser.on('opentag', onOpen);
  parser.write((await entry.buffer()).toString('utf8')).close();
}

/** Column letters of a cell reference ("AB12") → 0-based index. */
export function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** Built-in number formats that are dates or times (14–22, 45–47, and the CJK locale dates 27–36, 50–58). */
const BUILTIN_DATE = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47,
]);
for (let i = 50; i <= 58; i++) BUILTIN_DATE.add(i);

/** A custom format is a date when, outside quoted text, escapes and [colour]/[$-locale] brackets, it has d/m/y/h/s. */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if (code === undefined) return BUILTIN_DATE.has(id);
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '');
  return /[dmyhs]/i.test(bare);
}

type Workbook = {
  sheets: { name: string; target: string }[];
  sharedStrings: string | null;
  styles: string | null;
  date1904: boolean;
};

function resolveTarget(base: string, target: string): string {
  return target.startsWith('/')
    ? target.slice(1)
    : path.posix.normalize(path.posix.join(path.posix.dirname(base), target));
}

async function readWorkbook(find: (p: string) => ZipEntry | undefined): Promise<Workbook> {
  let wbPath = 'xl/workbook.xml';
  const rootRels = find('_rels/.rels');
  if (rootRels) {
    await parseXml(rootRels, (t) => {
      if (
        localName(t.name) === 'Relationship' &&
        String(t.attributes.Type ?? '').endsWith('/officeDocument')
      ) {
        wbPath = resolveTarget('', String(t.attributes.Target));
      }
    });
  }
  const wb = find(wbPath);
  if (!wb) throw notXlsx();
  const rels = new Map<string, { type: string; target: string }>();
  const relsEntry = find(
    path.posix.join(path.posix.dirname(wbPath), '_rels', `${path.posix.basename(wbPath)}.rels`),
  );
  if (relsEntry) {
    await parseXml(relsEntry, (t) => {
      if (localName(t.name) !== 'Relationship') return;
      rels.set(String(t.attributes.Id), {
        type: String(t.attributes.Type ?? ''),
        target: resolveTarget(wbPath, String(t.attributes.Target ?? '')),
      });
    });
  }
  const sheets: Workbook['sheets'] = [];
  let date1904 = false;
  await parseXml(wb, (t) => {
    const name = localName(t.name);
    if (name === 'workbookPr') {
      const v = String(t.attributes.date1904 ?? '');
      date1904 = v === '1' || v.toLowerCase() === 'true';
    } else if (name === 'sheet') {
      const rid = Object.entries(t.attributes).find(([k]) => localName(k) === 'id' && k.includes(':'))?.[1];
      const rel = rid === undefined ? undefined : rels.get(String(rid));
      if (rel) sheets.push({ name: String(t.attributes.name ?? ''), target: rel.target });
    }
  });
  const byType = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix))?.target ?? null;
  return { sheets, sharedStrings: byType('/sharedStrings'), styles: byType('/styles'), date1904 };
}

async function readDateStyles(entry: ZipEntry | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  const parser = new SaxesParser();
  parser.on('opentag', (t) => {
    const name = localName(t.name);
    if (name === 'numFmt') formats.set(Number(t.attributes.numFmtId), String(t.attributes.formatCode ?? ''));
    else if (name === 'cellXfs') inCellXfs = true;
    else if (name === 'xf' && inCellXfs) xfFormats.push(Number(t.attributes.numFmtId ?? 0));
  });
  parser.on('closetag', (t) => {
    if (localName(t.name) === 'cellXfs') inCellXfs = false;
  });
  parser.write((await entry.buffer()).toString('utf8')).close();
  return xfFormats.map((id) => isDateFormat(id, formats.get(id)));
}

/** Stream an XML part through saxes, calling `drain` after each chunk so callers can hand out what they collected. */
async function* streamXml(
  stream: Readable,
  parser: SaxesParser,
  onBytes: (n: number) => void,
): AsyncGenerator<void> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onBytes(chunk.length);
    parser.write(decoder.write(chunk));
    yield;
  }
  parser.write(decoder.end()).close();
  yield;
}

async function readSharedStrings(entry: ZipEntry | undefined): Promise<string[]> {
  if (!entry) return [];
  const out: string[] = [];
  let text = '';
  let inT = false;
  let inPhonetic = false;
  const parser = new SaxesParser();
  parser.on('opentag', (t) => {
    const name = localName(t.name);
    if (name === 'si') text = '';
    else if (name === 't') inT = !inPhonetic;
    else if (name === 'rPh') inPhonetic = true;
  });
  parser.on('text', (s) => {
    if (inT) text += s;
  });
  parser.on('closetag', (t) => {
    const name = localName(t.name);
    if (name === 't') inT = false;
    else if (name === 'rPh') inPhonetic = false;
    else if (name === 'si') out.push(text);
  });
  for await (const _ of streamXml(entry.stream(), parser, () => undefined)) {
    // the strings accumulate in `out`
  }
  return out;
}

/** Malformed XML or a broken zip entry: say so instead of surfacing a parser stack trace. */
function corrupt(e: unknown): never {
  if (e instanceof ImportFileError) throw e;
  const detail = e instanceof Error ? e.message : String(e);
  throw ImportFileError.of(
    `xlsx 文件已损坏，无法读取：${detail}`,
    `the .xlsx file is damaged and cannot be read: ${detail}`,
  );
}

const notXlsx = () =>
  ImportFileError.of(
    '不是有效的 xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx）',
    'not a valid .xlsx file (save it as .xlsx from Excel or WPS)',
  );

/** Parse an ISO 8601 `t="d"` cell as wall-clock time. */
function isoCell(v: string): Date | string {
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) || !v.includes('T') ? v : `${v}Z`);
  return Number.isNaN(d.getTime()) ? v : d;
}

/**
 * Open an .xlsx file and stream the sheet named like the dataset (key or Chinese name, compared
 * NFKC/case-insensitively), else the first sheet.
 */
export async function openXlsx(filePath: string, sheetNames: readonly string[]): Promise<SheetSource> {
  let files: ZipEntry[];
  try {
    files = (await Open.file(filePath)).files;
  } catch {
    throw notXlsx();
  }
  const exact = new Map(files.map((f) => [f.path, f]));
  const lower = new Map(files.map((f) => [f.path.toLowerCase(), f]));
  const find = (p: string) => exact.get(p) ?? lower.get(p.toLowerCase());

  const wb = await readWorkbook(find).catch(corrupt);
  const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const wanted = new Set(sheetNames.map(norm));
  const sheet = wb.sheets.find((s) => wanted.has(norm(s.name))) ?? wb.sheets[0];
  const sheetEntry = sheet ? find(sheet.target) : undefined;
  if (!sheet || !sheetEntry) {
    throw ImportFileError.of('xlsx 文件中没有工作表', 'the .xlsx file has no worksheet');
  }
  const [dateStyles, shared] = await Promise.all([
    readDateStyles(wb.styles ? find(wb.styles) : undefined),
    readSharedStrings(wb.sharedStrings ? find(wb.sharedStrings) : undefined),
  ]).catch(corrupt);

  const stream = sheetEntry.stream();
  let bytesRead = 0;
  const bytesTotal = sheetEntry.uncompressedSize;
  const date1904 = wb.date1904;

  const ready: RawRow[] = [];
  let rowNo = 0;
  let cells: Cell[] = [];
  let col = 0;
  let type = 'n';
  let style = 0;
  let value = '';
  let capture = false;
  let inInline = false;
  let inPhonetic = false;
  const parser = new SaxesParser();
  parser.on('opentag', (t) => {
    switch (localName(t.name)) {
      case 'row':
        rowNo = t.attributes.r !== undefined ? Number(t.attributes.r) : rowNo + 1;
        cells = [];
        col = 0;
        break;
      case 'c':
        if (t.attributes.r !== undefined) col = columnIndex(String(t.attributes.r));
        type = String(t.attributes.t ?? 'n');
        style = t.attributes.s !== undefined ? Number(t.attributes.s) : 0;
        value = '';
        break;
      case 'v':
        capture = !inInline;
        break;
      case 'is':
        inInline = true;
        break;
      case 'rPh':
        inPhonetic = true;
        break;
      case 't':
        capture = inInline && !inPhonetic;
        break;
    }
  });
  parser.on('text', (s) => {
    if (capture) value += s;
  });
  parser.on('closetag', (t) => {
    switch (localName(t.name)) {
      case 'v':
      case 't':
        capture = false;
        break;
      case 'rPh':
        inPhonetic = false;
        break;
      case 'is':
        inInline = false;
        break;
      case 'c':
        cells[col] = cellValue(type, value, dateStyles[style] ?? false);
        col++;
        break;
      case 'row':
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
        ready.push({ rowNo, cells });
        break;
    }
  });

  function cellValue(t: string, v: string, isDate: boolean): Cell {
    switch (t) {
      case 's':
        return shared[Number(v)] ?? '';
      case 'str':
      case 'inlineStr':
        return v;
      case 'e':
        return new CellError(v);
      case 'b':
        return v === '1' || v.toLowerCase() === 'true';
      case 'd':
        return v === '' ? null : isoCell(v);
      default: {
        if (v === '') return null;
        const n = Number(v);
        if (Number.isNaN(n)) return v;
        return isDate ? excelSerialToDate(n, date1904) : n;
      }
    }
  }

  // rows parsed from the XML read so far, handed out by `rows` and `batches` from one position
  let chunks: AsyncGenerator<unknown> | null = null;
  let pending: RawRow[] = [];
  let pos = 0;
  const fill = async (): Promise<boolean> => {
    chunks ??= streamXml(stream, parser, (n) => (bytesRead += n));
    while (pos >= pending.length) {
      const r = await chunks.next().catch(corrupt);
      if (r.done) return false;
      pending = ready.splice(0);
      pos = 0;
    }
    return true;
  };
  const rows: AsyncIterator<RawRow> = {
    next: async () =>
      (await fill()) ? { done: false, value: pending[pos++] as RawRow } : { done: true, value: undefined },
  };
  const batches: AsyncIterator<RawRow[]> = {
    next: async () => {
      if (!(await fill())) return { done: true, value: undefined };
      const out = pending.slice(pos);
      pos = pending.length;
      return { done: false, value: out };
    },
  };

  return {
    format: 'xlsx',
    encoding: null,
    sheet: sheet.name,
    date1904,
    rows,
    batches,
    progress: () => ({ bytesRead, bytesTotal }),
    close: async () => {
      stream.destroy();
    },
  };
}
