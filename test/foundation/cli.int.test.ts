import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBin, startServe, type Served } from '../support/cli.js';

/**
 * The embedded engine as a user runs it: bin/marketops in a fresh working directory with ./data.
 * (Runs on the embedded engine whatever the suite's engine is: these are its own guarantees.)
 */
describe('marketops on the embedded database', () => {
  let dir: string;
  let served: Served | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mo-cli-'));
  });
  afterAll(async () => {
    await served?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints help and exits 0; unknown commands exit 2', async () => {
    const help = await runBin(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve/);
    const bad = await runBin(['no-such-command'], { cwd: dir });
    expect(bad.code).toBe(2);
  });

  it('rejects a malformed DATABASE_URL with one clear line and exit 1', async () => {
    const r = await runBin(['db', 'status'], { cwd: dir, env: { DATABASE_URL: 'mysql://x' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it('reports an unreachable PostgreSQL with one clear line and exit 1', async () => {
    const r = await runBin(['db', 'status'], {
      cwd: dir,
      env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot connect to PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
  });

  it('migrates on the first start and refuses a second server on the same directory', async () => {
    served = await startServe({ cwd: dir });
    const health = await fetch(`${served.url}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { engine: 'pglite' } });
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'data/marketops.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: served.child.pid, port: served.port, kind: 'server' });

    const second = await runBin(['serve', '--port', '0'], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `the data directory is in use by a MarketOps server (pid ${served.child.pid}, port ${served.port})`,
    );
  }, 120_000);

  it('hands a CLI command to the running server and relays its output', async () => {
    const r = await runBin(['db', 'status', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/handing this command to the running MarketOps server/);
    const status = JSON.parse(r.stdout);
    expect(status.engine).toBe('pglite');
    expect(status.migrations.every((m: { executedAt: string | null }) => m.executedAt)).toBe(true);
  });

  it('backs up while the server runs, and restores after it stopped', async () => {
    const before = await runBin(['db', 'status', '--json'], { cwd: dir });
    const backup = path.join(dir, 'backup.tar.gz');
    const b = await runBin(['db', 'backup', backup], { cwd: dir });
    expect(b.code).toBe(0);
    expect(fs.statSync(backup).size).toBeGreaterThan(1000);

    // a restore is refused while the server holds the directory
    const refused = await runBin(['db', 'restore', backup], { cwd: dir });
    expect(refused.code).toBe(1);

    expect(await served!.stop()).toBe(0);
    served = undefined;
    expect(fs.existsSync(path.join(dir, 'data/marketops.lock'))).toBe(false);

    const r = await runBin(['db', 'restore', backup], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const st = await runBin(['db', 'status', '--json'], { cwd: dir });
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toEqual(JSON.parse(before.stdout));
  }, 120_000);
});
