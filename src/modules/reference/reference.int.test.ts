import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { factories } from '../../../test/support/factories.js';
import { loadReference } from './reference.repository.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const f = factories(t.db);
  await f.county('C02');
  await f.county('C01');
  await f.product('MB');
});
afterAll(async () => t.dispose());

describe('reference data', () => {
  it('is read once per handle, ordered by code, and read-only', async () => {
    const a = await loadReference(t.db);
    expect(a.counties.map((c) => c.code)).toEqual(['C01', 'C02']);
    expect(a.products.map((p) => p.code)).toEqual(['MB']);
    expect(await loadReference(t.db)).toBe(a);
    expect(() => (a.counties as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (a.counties[0] as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });

  it('is read again after any write to a reference table', async () => {
    const a = await loadReference(t.db);
    await factories(t.db).outlet('O1', 'C01');
    const b = await loadReference(t.db);
    expect(b).not.toBe(a);
    expect(b.outlets).toEqual([{ code: 'O1', name: expect.any(String) as string, county: 'C01' }]);
    await t.db
      .updateTable('counties')
      .set({ county_name: '城区' })
      .where('county_code', '=', 'C01')
      .execute();
    const c = await loadReference(t.db);
    expect(c.counties[0]).toMatchObject({ code: 'C01', name: '城区' });
    await t.db.deleteFrom('outlets').execute();
    expect((await loadReference(t.db)).outlets).toEqual([]);
  });

  it('sees a transaction its own writes and never keeps them for the handle', async () => {
    await t.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('products')
          .values({ product_code: 'TV', product_name: 'IPTV', needs_terminal: true, needs_deposit: false })
          .execute();
        expect((await loadReference(trx)).products.map((p) => p.code)).toEqual(['MB', 'TV']);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await loadReference(t.db)).products.map((p) => p.code)).toEqual(['MB']);
  });
});
