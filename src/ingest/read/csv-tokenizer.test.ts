import { parse } from 'csv-parse/sync';
import { describe, expect, it, test } from 'vitest';
import { createRng } from '../../demo/random.js';
import { CsvTokenizer } from './csv-tokenizer.js';

type Outcome = { records: string[][]; error: string | null };

const OPTIONS = { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: false };

/** What csv-parse alone gives (records before the error, and the error's code). */
function reference(text: string, delimiter: string): Outcome {
  const records: string[][] = [];
  try {
    records.push(...(parse(text, { ...OPTIONS, delimiter }) as string[][]));
    return { records, error: null };
  } catch (e) {
    return { records: [], error: (e as { code?: string }).code ?? 'unknown' };
  }
}

async function tokenize(chunks: string[], delimiter: string): Promise<Outcome> {
  const records: string[][] = [];
  let error: string | null = null;
  const t = new CsvTokenizer(
    delimiter,
    (cells) => records.push(cells),
    (e) => {
      error ??= (e as { code?: string }).code ?? 'unknown';
    },
  );
  for (const c of chunks) if (error === null) t.write(c);
  if (error === null) t.end();
  await t.finished();
  return error === null ? { records, error } : { records: [], error };
}

describe('CSV tokenizer', () => {
  test.each([
    [
      'plain LF',
      'a,b\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF, last line without ending',
      'a,b\r\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['quoted comma, doubled quote', '"a,1","say ""hi"""\n', [['a,1', 'say "hi"']]],
    ['quoted newline stays in its record', 'x\n"a\nb",c\nd\n', [['x'], ['a\nb', 'c'], ['d']]],
    ['blank lines are records', '\n\na\n\n', [[''], [''], ['a'], ['']]],
    ['quote inside an unquoted field is kept', 'x"y,z\n', [['x"y', 'z']]],
    ['text after a closing quote keeps the quotes', '"ab"c,d\n', [['"ab"c', 'd']]],
    ['first line ending decides: LF, then CR is text', 'a\nb\r\nc\n', [['a'], ['b\r'], ['c']]],
    ['first line ending decides: CRLF, then LF is text', 'a\r\nb\nc\r\n', [['a'], ['b\nc']]],
    ['old Mac CR endings', 'a\rb\rc', [['a'], ['b'], ['c']]],
    ['empty quoted fields', '"",""\n', [['', '']]],
  ])('%s', async (_name, text, expected) => {
    expect(await tokenize([text], ',')).toEqual({ records: expected, error: null });
    expect(reference(text, ',').records).toEqual(expected);
  });

  it('hands a line longer than a megabyte to csv-parse and gives the same records', async () => {
    const long = 'x'.repeat(1_500_000);
    const text = `a,b\n${long},"q""1"\nc,d\n`;
    const chunks: string[] = [];
    for (let at = 0; at < text.length; at += 65_536) chunks.push(text.slice(at, at + 65_536));
    expect(await tokenize(chunks, ',')).toEqual({
      records: [
        ['a', 'b'],
        [long, 'q"1'],
        ['c', 'd'],
      ],
      error: null,
    });
    expect(await tokenize([long.slice(0, 1_200_000), long.slice(1_200_000), '\r\nz'], ',')).toEqual(
      reference(`${long}\r\nz`, ','),
    );
  });

  it('refuses an unclosed quote as csv-parse does', async () => {
    expect(await tokenize(['a,b\n', 'c,"d\n'], ',')).toEqual({ records: [], error: 'CSV_QUOTE_NOT_CLOSED' });
  });

  it('gives csv-parse`s records for random text cut into random chunks', async () => {
    const rng = createRng(20261128);
    const rand = () => rng.float();
    const alphabet = ['a', 'b', '中', ' ', ',', ',', '"', '"', '\n', '\n', '\r\n', '\r', '\t', '""'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)] ?? '';
      const chunks: string[] = [];
      for (let at = 0; at < text.length;) {
        const step = 1 + Math.floor(rand() * 8);
        chunks.push(text.slice(at, at + step));
        at += step;
      }
      const delimiter = n % 5 === 0 ? '\t' : ',';
      const got = await tokenize(chunks, delimiter);
      expect({ text, ...got }).toEqual({ text, ...reference(text, delimiter) });
    }
  });
});
