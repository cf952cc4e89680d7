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
