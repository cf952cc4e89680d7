import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export type ReferenceData = {
  counties: { code: string; name: string; households: number | null }[];
  products: { code: string; name: string; needs_terminal: boolean; needs_deposit: boolean }[];
  outlets: { code: string; name: string; county: string }[];
  warehouses: { code: string; name: string; county: string | null }[];
  items: { code: string; name: string; product: string | null; serialized: boolean }[];
};

/** The whole reference data set (small: tens to hundreds of rows), ordered by code. */
export async function loadReference(db: Kysely<DB>): Promise<ReferenceData> {
  // one statement (every metric query starts here; on the embedded engine each round trip counts)
  const r = await sql<{ x: ReferenceData | string }>`select json_build_object(
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
  return {
    counties: byCode(
      data.counties.map((c) => ({ ...c, households: c.households === null ? null : Number(c.households) })),
    ),
    products: byCode(data.products),
    outlets: byCode(data.outlets),
    warehouses: byCode(data.warehouses),
    items: byCode(data.items),
  };
}
