import type { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliActor, failure, usageError, withDatabase, type CliContext } from '../context.js';
import { DEFAULT_AS_OF, generateDemoCity } from '../../demo/generate-city.js';
import { isEmptyDatabase, loadDemoCity } from '../../demo/load-demo.js';
import { startServer } from '../../server/start.js';
import type { DemoUser } from '../../modules/users/users.service.js';
import type { Database } from '../../db/connect.js';

/** Subscribers in the quick-start demo city: big enough to look real, small enough to load in about a minute. */
export const QUICK_START_SUBSCRIBERS = 5000;

type LoadOpts = { subscribers: string; seed: string; as?: string };

function demoLogins(users: DemoUser[]): string {
  const lines = users.map((u) => `  ${u.username.padEnd(8)} ${u.role}${u.county ? ` (${u.county})` : ''}`);
  return `demo sign-ins (password: marketops-demo):\n${lines.join('\n')}\n`;
}

async function generateAndLoad(ctx: CliContext, database: Database, dir: string | undefined, opts: LoadOpts) {
  let folder = dir ? path.resolve(ctx.cwd, dir) : undefined;
  let temp: string | undefined;
  if (!folder) {
    const n = Number(opts.subscribers);
    if (!Number.isSafeInteger(n) || n < 1)
      throw usageError(`--subscribers must be a positive integer: ${opts.subscribers}`);
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'marketops-demo-'));
    folder = temp;
    ctx.io.err(`generating a demo city of ${n} subscribers…\n`);
    await generateDemoCity({ subscribers: n, seed: Number(opts.seed), outDir: folder, asOf: DEFAULT_AS_OF });
  }
  try {
    let last = 0;
    const loaded = await loadDemoCity(database, {
      dir: folder,
      actor: cliActor(opts.as),
      onProgress: (file, p) => {
        const now = Date.now();
        if (now - last > 2000 || p.percent >= 100) {
          last = now;
          ctx.io.err(
            `  ${file}: ${p.rows} rows, ${Math.round(p.rowsPerSec)} rows/s, ${Math.round(p.percent)}%\n`,
          );
        }
      },
    });
    return loaded;
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}

export function register(program: Command, ctx: CliContext): void {
  const demo = program.commands.find((c) => c.name() === 'demo');
  if (!demo) throw new Error('the demo command must be registered first');

  demo
    .command('load [dir]')
    .description(
      'load a demo city (a folder from `demo generate`, or a freshly generated one) through the import pipeline, with one user per role',
    )
    .option(
      '--subscribers <n>',
      'size of the generated city when no folder is given',
      String(QUICK_START_SUBSCRIBERS),
    )
    .option('--seed <s>', 'seed of the generated city', '1')
    .option('--as <user>', 'record the imports as this user')
    .action(async (dir: string | undefined, opts: LoadOpts) => {
      await withDatabase(ctx, async (database) => {
        const { reports, users } = await generateAndLoad(ctx, database, dir, opts);
        const rows = reports.reduce((a, r) => a + r.counts.inserted + r.counts.updated, 0);
        ctx.io.out(`demo city loaded: ${reports.length} files, ${rows} rows\n`);
        ctx.io.out(demoLogins(users));
      });
    });

  demo
    .command('start')
    .description('the quick start: serve the embedded database, loading the demo city on first run')
    .option('--port <n>', 'port (default PORT or 8080)')
    .option('--host <h>', 'address to listen on (default 127.0.0.1)')
    .option('--subscribers <n>', 'size of the demo city', String(QUICK_START_SUBSCRIBERS))
    .option('--seed <s>', 'seed of the demo city', '1')
    .action(async (opts: LoadOpts & { port?: string; host?: string }) => {
      if (ctx.database) throw failure('demo start cannot run inside a server');
      const port = opts.port === undefined ? ctx.config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw usageError(`invalid --port: ${opts.port}`);
      let users: DemoUser[] = [];
      const server = await startServer(
        { ...ctx.config, port, host: opts.host ?? ctx.config.host, demo: true },
        ctx.io,
        {
          beforeListen: async (database) => {
            if (await isEmptyDatabase(database)) {
              ctx.io.err('first run: loading the demo city (about a minute)…\n');
              users = (await generateAndLoad(ctx, database, undefined, opts)).users;
            } else {
              const { ensureDemoUsers } = await import('../../modules/users/users.service.js');
              users = await ensureDemoUsers(database.db);
            }
          },
        },
      );
      ctx.io.out(`open ${server.url} and sign in\n${demoLogins(users)}`);
      await server.closed;
    });
}
