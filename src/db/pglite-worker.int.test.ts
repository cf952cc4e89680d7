import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testEngine, type TestDatabase } from '../../test/support/db.js';

describe('COPY from UTF-8 bytes', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.exec('create table copy_probe (n integer, s text)');
  });
  afterAll(async () => t?.dispose());

  it('loads bytes that are a slice of a larger buffer (only the slice)', async () => {
    const whole = Buffer.from('JUNK1,"x"\n' + '1,"县一"\n2,"a,b"\n' + 'JUNK2');
    const start = Buffer.byteLength('JUNK1,"x"\n');
    const slice = whole.subarray(start, start + Buffer.byteLength('1,"县一"\n2,"a,b"\n'));
    expect(await t.copyRows('copy_probe', ['n', 's'], slice)).toBe(2);
    const r = await sql<{ n: number; s: string }>`select n, s from copy_probe order by n`.execute(t.db);
    expect(r.rows).toEqual([
      { n: 1, s: '县一' },
      { n: 2, s: 'a,b' },
    ]);
  });

  it('loads chunk after chunk of bytes that own their memory', async () => {
    await t.exec('truncate copy_probe');
    for (let c = 0; c < 3; c++) {
      const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(`${c},"c${c}"\n`));
      bytes.write(`${c},"c${c}"\n`);
      expect(await t.copyRows('copy_probe', ['n', 's'], bytes)).toBe(1);
    }
    const r = await sql<{ n: number; s: string }>`select n, s from copy_probe order by n`.execute(t.db);
    expect(r.rows).toEqual([
      { n: 0, s: 'c0' },
      { n: 1, s: 'c1' },
      { n: 2, s: 'c2' },
    ]);
  });
});

describe.skipIf(testEngine() === 'postgres')('embedded engine worker', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.dispose());

  it('starts PostgreSQL with the small shared buffers', async () => {
    const r = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(t.db);
    expect(r.rows[0]?.shared_buffers).toBe(process.env.MARKETOPS_PGLITE_SHARED_BUFFERS || '8MB');
  });

  it('reports its memory: 128 MiB of WebAssembly memory at start, a 4 MB young generation', async () => {
    const m = await t.memory?.();
    // PGlite's module starts with 2048 pages of 64 KiB and a fresh database does not grow it
    expect(m?.wasmBytes).toBe(2048 * 65536);
    expect(m?.youngGenerationMb).toBe(4);
    expect(m?.workerHeapBytes).toBeGreaterThan(0);
  });

  it("compiles the engine with V8's optimizing tier only, unless configured otherwise", async () => {
    const m = await t.memory?.();
    expect(m?.v8Flags).toBe(process.env.MARKETOPS_PGLITE_V8_FLAGS ?? '--no-liftoff');
  });
});
