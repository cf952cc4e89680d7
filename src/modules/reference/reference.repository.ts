import type { Kysely } from 'kysely';
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
  const [counties, products, outlets, warehouses, items] = await Promise.all([
    db
      .selectFrom('counties')
      .select(['county_code as code', 'county_name as name', 'households'])
      .orderBy('county_code')
      .execute(),
    db
      .selectFrom('products')
      .select(['product_code as code', 'product_name as name', 'needs_terminal', 'needs_deposit'])
      .orderBy('product_code')
      .execute(),
    db
      .selectFrom('outlets')
      .select(['outlet_code as code', 'outlet_name as name', 'county_code as county'])
      .orderBy('outlet_code')
      .execute(),
    db
      .selectFrom('warehouses')
      .select(['warehouse_code as code', 'warehouse_name as name', 'county_code as county'])
      .orderBy('warehouse_code')
      .execute(),
    db
      .selectFrom('items')
      .select(['item_code as code', 'item_name as name', 'product_code as product', 'serialized'])
      .orderBy('item_code')
      .execute(),
  ]);
  // code order by code point, the same order metric rows use
  const byCode = <T extends { code: string }>(xs: T[]): T[] =>
    xs.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    counties: byCode(
      counties.map((c) => ({ ...c, households: c.households === null ? null : Number(c.households) })),
    ),
    products: byCode(products),
    outlets: byCode(outlets),
    warehouses: byCode(warehouses),
    items: byCode(items),
  };
}
