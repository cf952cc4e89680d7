import type { Config } from '../config.js';
import { openDatabase } from '../db/open.js';
import { migrateToLatest } from '../db/migrate.js';
import { buildApp } from './app.js';
import { isDemoDatabase } from '../demo/load-demo.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { registerCollectionsJobs } from '../modules/collections/collections.jobs.js';
import { VERSION } from '../cli/version.js';
import type { CliIo } from '../cli/context.js';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.js';

export type RunningServer = {
  app: FastifyInstance;
  database: Database;
  url: string;
  closed: Promise<void>;
  stop(): Promise<void>;
};

/**
 * Open (and lock) the database, migrate, listen, and shut down gracefully on SIGTERM/SIGINT:
 * in-flight requests finish, then the database closes and the lock is released.
 */
export async function startServer(
  config: Config,
  io: CliIo,
  opts: {
    onReady?: (s: RunningServer) => Promise<void>;
    beforeListen?: (database: Database) => Promise<void>;
  } = {},
): Promise<RunningServer> {
  const database = await openDatabase(config, 'server');
  let app: FastifyInstance;
  let scheduler: Scheduler | undefined;
  let unhook: (() => void) | undefined;
  const schedulerLog = {
    info: (m: string) => app?.log.info(m),
    error: (m: string) => (app ? app.log.error(m) : io.err(`${m}\n`)),
  };
  try {
    await migrateToLatest(database.db);
    await opts.beforeListen?.(database);
    // the app's one scheduler, with the jobs of every module, and their import hooks
    scheduler = createScheduler({ db: database.db, log: schedulerLog });
    unhook = await registerCollectionsJobs(scheduler, { db: database.db });
    // a database loaded as the demo city stays in demo mode (demo passwords are not forced to change)
    const demo = config.demo || (await isDemoDatabase(database));
    app = await buildApp({
      database,
      config: { ...config, demo },
      version: VERSION,
      localToken: database.lock?.info.token,
      pendingMigrations: 0,
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    scheduler?.stop();
    unhook?.();
    await database.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  database.lock?.update({ port, host: config.host });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        scheduler?.stop();
        unhook?.();
        await app.close();
      } finally {
        await database.close();
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolveClosed();
      }
    })());
  const onSignal = () => void stop();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const server: RunningServer = { app, database, url, closed, stop };
  if (opts.onReady) await opts.onReady(server);
  io.out(`MarketOps listening on ${url}\n`);
  return server;
}
