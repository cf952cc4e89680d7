import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { failure, usageError, withDatabase, type CliContext } from '../context.js';
import { migrateToLatest, migrationStatus } from '../../db/migrate.js';
import { copyDatabase } from '../../db/copy.js';
import { openEmbedded, openPostgres } from '../../db/connect.js';
import { acquireLock } from '../../db/lock.js';

export function register(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('database maintenance');

  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      await withDatabase(
        ctx,
        async (database) => {
          const done = await migrateToLatest(database.db);
          ctx.io.out(done.length ? done.map((n) => `applied ${n}\n`).join('') : 'database is up to date\n');
        },
        { migrate: false },
      );
    });

  db.command('status')
    .description('list migrations and whether they are applied')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(
        ctx,
        async (database) => {
          const st = await migrationStatus(database.db);
          if (opts.json) {
            ctx.io.out(JSON.stringify({ engine: database.engine, migrations: st }) + '\n');
            return;
          }
          ctx.io.out(`engine: ${database.engine}\n`);
          for (const m of st) ctx.io.out(`${m.executedAt ? 'applied ' : 'pending '} ${m.name}\n`);
        },
        { migrate: false },
      );
    });

  db.command('backup <file>')
    .description('write a consistent backup of the embedded database (works while the server runs)')
    .action(async (file: string) => {
      if (ctx.config.databaseUrl) throw usageError('db backup is for the embedded database; use pg_dump for PostgreSQL');
      const out = path.resolve(ctx.cwd, file);
      await withDatabase(ctx, async (database) => {
        if (!database.dump) throw failure('this database cannot be dumped');
        const bytes = await database.dump();
        fs.writeFileSync(out, bytes);
        ctx.io.out(`backup written to ${out} (${bytes.length} bytes)\n`);
      });
    });

  db.command('restore <file>')
    .description('replace the embedded database with a backup (the server must be stopped)')
    .action(async (file: string) => {
      if (ctx.config.databaseUrl) throw usageError('db restore is for the embedded database');
      if (ctx.database) throw failure('stop the MarketOps server before restoring a backup');
      const src = path.resolve(ctx.cwd, file);
      if (!fs.existsSync(src)) throw usageError(`no such file: ${src}`);
      const lock = acquireLock(ctx.config.dataDir, 'cli');
      try {
        const pgDir = path.join(ctx.config.dataDir, 'pg');
        const aside = `${pgDir}.before-restore-${Date.now()}`;
        const tmp = `${pgDir}.restoring`;
        fs.rmSync(tmp, { recursive: true, force: true });
        const restored = await openEmbedded({ dataDir: tmp, loadDataDir: fs.readFileSync(src) });
        const n = await restored.db.selectFrom('import_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
        await restored.close();
        if (fs.existsSync(pgDir)) fs.renameSync(pgDir, aside);
        fs.renameSync(tmp, pgDir);
        fs.rmSync(aside, { recursive: true, force: true });
        ctx.io.out(`restored ${src} (${n?.n ?? 0} import batches)\n`);
      } finally {
        lock.release();
      }
    });

  db.command('copy')
    .description('copy the embedded installation onto a PostgreSQL server (its database must be empty)')
    .requiredOption('--to <url>', 'postgres://user@host:5432/dbname')
    .action(async (opts: { to: string }) => {
      if (!/^postgres(ql)?:\/\//.test(opts.to)) throw usageError('--to must be a postgres:// URL');
      await withDatabase(ctx, async (source) => {
        const target = await openPostgres(opts.to);
        try {
          await migrateToLatest(target.db);
          const counts = await copyDatabase(source, target);
          for (const [t, n] of counts) ctx.io.out(`${t}: ${n}\n`);
          ctx.io.out(`copied ${counts.length} tables to ${new URL(opts.to).host}\n`);
        } finally {
          await target.close();
        }
      });
    });
}
