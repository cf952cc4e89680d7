import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export type ReferenceData = {
  counties: { code: string; name: string; households: number | null }[];
  products: { code: string; name: string; needs_terminal: boolean; needs_deposit: boolean }[];
  outlets: { code: string; name: string; county: string }[];
  warehouses: { code: string; name: string; county: string | null }[];
  items: { code: string; name: string; product: string | null; serialized: boolean }[];
};

/** Per database handle: the reference data as of a reference_version (never for a transaction). */
const cache = new WeakMap<Kysely<DB>, { version: number; data: ReferenceData }>();

const deepFreeze = <T>(x: T): T => {
  if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
};

/**
 * The reference data this handle holds and its version, without asking the database (null when none
 * is held, or for a transaction). For a caller whose next statement reads reference_version itself
 * and starts over with loadReference when it differs (src/metrics/engine.ts).
 */
export function heldReference(db: Kysely<DB>): { version: number; data: ReferenceData } | null {
  return db.isTransaction ? null : (cache.get(db) ?? null);
}

/**
 * The whole reference data set (small: tens to hundreds of rows), ordered by code, read-only. Every
 * metric query starts here, so a handle keeps it in memory and checks it with one tiny read of the
 * counter the reference tables' triggers bump (a transaction reads it afresh: it may see its own writes).
 */
export async function loadReference(db: Kysely<DB>): Promise<ReferenceData> {
  const hit = db.isTransaction ? undefined : cache.get(db);
  if (hit) {
    const v = await sql<{ version: number }>`select version from reference_version`.execute(db);
    if (Number(v.rows[0]?.version) === hit.version) return hit.data;
  }
  // the data and its version in one statement, so they come from one snapshot
  const r = await sql<{ version: number; x: ReferenceData | string }>`select
    (select version from reference_version) as version, json_build_object(
      'counties', (select coalesce(json_agg(json_build_object('code', county_code, 'name', county_name,
        'households', households)), '[]') from counties),
      'products', (select coalesce(json_agg(json_build_object('code', product_code, 'name', product_name,
        'needs_terminal', needs_terminal, 'needs_deposit', needs_deposit)), '[]') from products),
      'outlets', (select coalesce(json_agg(json_build_object('code', outlet_code, 'name', outlet_name,
        'county', county_code)), '[]') from outlets),
      'warehouses', (select coalesce(json_agg(json_build_object('code', warehouse_code, 'name', warehouse_name,
        'county', county_code)), '[]') from warehouses),
      'items', (select coalesce(json_agg(json_build_object('code', item_code, 'name', item_name,
        'product', product_code, 'serialized', serialized)), '[]') from items)
    ) as x`.execute(db);
  const raw = r.rows[0]?.x;
  const data = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ReferenceData;
  // code order by code point, the same order metric rows use
  const byCode = <T extends { code: string }>(xs: T[]): T[] =>
    xs.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: ReferenceData = deepFreeze({
    counties: byCode(
      data.counties.map((c) => ({ ...c, households: c.households === null ? null : Number(c.households) })),
    ),
    products: byCode(data.products),
    outlets: byCode(data.outlets),
    warehouses: byCode(data.warehouses),
    items: byCode(data.items),
  });
  if (!db.isTransaction) cache.set(db, { version: Number(r.rows[0]?.version), data: out });
  return out;
}
