/** Test support: read a generated city back (small cities only; everything in memory). */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DATASETS, type Dataset } from './world.js';

export type Row = Record<string, string>;
export type City = Record<Dataset, Row[]>;

export function readCity(dir: string): City {
  return Object.fromEntries(
    DATASETS.map((d) => [d, parse(fs.readFileSync(path.join(dir, `${d}.csv`)), { columns: true }) as Row[]]),
  ) as City;
}

export const get = (r: Row, k: string): string => {
  const v = r[k];
  if (v === undefined) throw new Error(`column ${k} missing`);
  return v;
};

/** Yuan text → fen (the generator writes exactly two decimals). */
export const fen = (s: string): number => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(s);
  if (!m) throw new Error(`not money: ${s}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};

export const addDaysIso = (d: string, n: number): string => {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
};

/** Moves in the order the contract applies them. */
export const orderedMoves = (city: City): Row[] =>
  [...city.stock_moves].sort((a, b) =>
    get(a, 'moved_at') < get(b, 'moved_at')
      ? -1
      : get(a, 'moved_at') > get(b, 'moved_at')
        ? 1
        : get(a, 'move_id') < get(b, 'move_id')
          ? -1
          : 1,
  );

export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
