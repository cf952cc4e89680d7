import fs from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it, test } from 'vitest';
import { tempDir } from '../../../test/support/fixture-files.js';
import { detectEncoding, firstLine, openCsv, type CsvEncoding } from './csv-reader.js';
import type { RawRow } from './types.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('encoding detection', () => {
  const text = '缴费流水号,缴费金额\nP1,85.93\n';
  test.each<[string, Buffer, CsvEncoding | null]>([
    ['ASCII', Buffer.from('a,b\n1,2\n'), 'utf-8'],
    ['UTF-8', Buffer.from(text, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8-bom'],
    ['GB18030', iconv.encode(text, 'gb18030'), 'gb18030'],
    ['GBK', iconv.encode(text, 'gbk'), 'gb18030'],
    ['UTF-16 LE with BOM', iconv.encode(text, 'utf-16le', { addBOM: true }), 'utf-16le'],
    [
      'UTF-16 BE with BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]),
      'utf-16be',
    ],
    ['UTF-16 LE without BOM (NUL bytes)', iconv.encode(text, 'utf-16le'), null],
    ['UTF-8 BOM then NUL bytes', Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x00]), null],
    ['bytes invalid everywhere', Buffer.from([0x61, 0xff, 0xfe, 0x0a]), null],
  ])('%s → %s', (_name, bytes, expected) => {
    expect(detectEncoding(bytes, true)).toBe(expected);
  });

  it('ignores a multi-byte character cut at the end of an incomplete sample', () => {
    const bytes = Buffer.from('a,b\n中文,1\n中文', 'utf8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), false)).toBe('utf-8');
    // taken as the whole file, the cut character is invalid UTF-8, and these bytes are not GB18030 either
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), true)).toBeNull();
  });
});

describe('header line', () => {
  test.each<[string, boolean, string | null]>([
    ['a,b\n1,2', false, 'a,b'],
    ['\n  \r\na\tb\r\n', false, 'a\tb'],
    ['a,b\r1,2\r', false, 'a,b'],
    ['a,b', false, null],
    ['a,b', true, 'a,b'],
    ['', true, ''],
  ])('%j (eof %s) → %j', (text, eof, line) => {
    expect(firstLine(text, eof)).toBe(line);
  });

  it('hands out the same rows a batch at a time, from the position rows left', async () => {
    const file = tmp.file('batches.csv');
    // several reads of 64 KiB: several batches
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `K${i},"多
行 ${i}"`,
    );
    fs.writeFileSync(file, ['key,note', ...lines].join('\r\n'));
    const one = await openCsv(file);
    const all: RawRow[] = [];
    for (let r = await one.rows.next(); !r.done; r = await one.rows.next()) all.push(r.value);
    const two = await openCsv(file);
    const header = await two.rows.next();
    const batched: RawRow[] = [header.value as RawRow];
    let n = 0;
    for (let b = await two.batches.next(); !b.done; b = await two.batches.next()) {
      expect(b.value.length).toBeGreaterThan(0);
      batched.push(...b.value);
      n++;
    }
    expect(n).toBeGreaterThan(1);
    expect(batched).toEqual(all);
    expect(all).toHaveLength(20_001);
    expect(all[20_000]).toEqual({ rowNo: 20_001, cells: ['K19999', '多\n行 19999'] });
  });

  it('reads a file with CR-only line endings', async () => {
    const file = tmp.file('cr.csv');
    fs.writeFileSync(file, 'a,b\r1,2\r3,4\r');
    const src = await openCsv(file);
    const rows: RawRow[] = [];
    for (let r = await src.rows.next(); !r.done; r = await src.rows.next()) rows.push(r.value);
    expect(rows).toEqual([
      { rowNo: 1, cells: ['a', 'b'] },
      { rowNo: 2, cells: ['1', '2'] },
      { rowNo: 3, cells: ['3', '4'] },
    ]);
  });
});
