import os from 'node:os';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { openDatabase } from '../db/open.js';
import { readLock } from '../db/lock.js';
import { migrateToLatest } from '../db/migrate.js';
import { registerFollowupHooks } from '../modules/followup/followup.hooks.js';

export type CliIo = { out(s: string): void; err(s: string): void };

export type CliContext = {
  io: CliIo;
  config: Config;
  cwd: string;
  /** The full argv of this invocation (without node and script), for handing off to a server. */
  argv: string[];
  /** Set when the command runs inside a server that owns the database. */
  database?: Database;
  /** True when stdin/stdout are a terminal (progress lines). */
  tty: boolean;
};

/** Who a CLI action is recorded as: `--as <user>` or cli:<os user>. */
export const cliActor = (as: string | undefined): string => as ?? `cli:${os.userInfo().username}`;

/** Exit codes: 0 ok, 1 failure, 2 bad usage. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}
export const usageError = (msg: string) => new CliExit(2, msg);
export const failure = (msg: string) => new CliExit(1, msg);

/**
 * Run `fn` with a database. Inside a server: the server's. With DATABASE_URL: a pool. Embedded: take the
 * data-directory lock; when a MarketOps server holds it, hand the whole command to that server through
 * its API (local token) and relay its output and exit code.
 */
export async function withDatabase<T>(
  ctx: CliContext,
  fn: (db: Database) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  if (ctx.database) return fn(ctx.database);
  if (!ctx.config.databaseUrl) {
    const holder = readLock(ctx.config.dataDir);
    if (holder?.kind === 'server' && holder.port) {
      const code = await handOff(ctx, holder.host ?? '127.0.0.1', holder.port, holder.token);
      throw new CliExit(code);
    }
  }
  const database = await openDatabase(ctx.config, 'cli');
  // this process applies imports itself: derived workflow data follows them, as in the server
  const unhook = registerFollowupHooks();
  try {
    if (opts.migrate !== false) await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    unhook();
    await database.close();
  }
}

async function handOff(ctx: CliContext, host: string, port: number, token: string): Promise<number> {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  ctx.io.err(`(handing this command to the running MarketOps server on port ${port})\n`);
  const res = await fetch(`http://${h.includes(':') ? `[${h}]` : h}:${port}/api/internal/cli`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-marketops-token': token },
    body: JSON.stringify({ argv: ctx.argv, cwd: ctx.cwd }),
  });
  if (!res.ok) {
    ctx.io.err(`the running server refused the command: HTTP ${res.status} ${await res.text()}\n`);
    return 1;
  }
  const body = (await res.json()) as { exitCode: number; stdout: string; stderr: string };
  if (body.stderr) ctx.io.err(body.stderr);
  if (body.stdout) ctx.io.out(body.stdout);
  return body.exitCode;
}
