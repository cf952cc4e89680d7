import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { cliActor, failure, usageError, withDatabase, type CliContext } from '../context.js';
import { bilingual } from '../../core/errors.js';
import { isIsoDate, todayShanghai } from '../../core/dates.js';
import { ROLE_PERMISSIONS, scopeFor, systemActor, type Actor } from '../../server/rbac.js';
import { generateFollowups } from '../../modules/followup/followup.service.js';
import { exportFollowupsXlsx, importOutcomesXlsx } from '../../modules/followup/followup.workbook.js';

/**
 * `--as <user>`: a MarketOps user acts with their role and county scope (a county manager importing
 * outcomes can only touch their county's items); any other name acts as the system, recorded by name.
 */
export async function actorAs(db: Kysely<DB>, as: string | undefined): Promise<Actor> {
  const name = cliActor(as);
  if (!as) return systemActor(name);
  const u = await db
    .selectFrom('users')
    .select(['username', 'role', 'auditor_level', 'county_code', 'disabled'])
    .where('username', '=', as)
    .executeTakeFirst();
  if (!u) return systemActor(name);
  if (u.disabled) throw failure(`用户 ${as} 已停用 / user ${as} is disabled`);
  return {
    username: u.username,
    role: u.role,
    auditorLevel: u.auditor_level,
    countyScope: scopeFor(u.role, u.auditor_level, u.county_code),
    permissions: new Set(ROLE_PERMISSIONS[u.role]),
  };
}

const dateOpt = (d: string | undefined): string => {
  const v = d ?? todayShanghai();
  if (!isIsoDate(v)) throw usageError(`--date must be YYYY-MM-DD: ${v}`);
  return v;
};

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('followup').description('daily per-subscriber follow-up lists (逐户核查)');

  cmd
    .command('generate')
    .description("generate the day's lists for every county (idempotent)")
    .option('--date <date>', 'list date (default today, Asia/Shanghai)')
    .option('--county <code>', 'only this county')
    .option('--json', 'JSON output')
    .option('--as <user>', 'record the run as this user')
    .action(async (o: { date?: string; county?: string; json?: boolean; as?: string }) => {
      const date = dateOpt(o.date);
      await withDatabase(ctx, async (database) => {
        const actor = await actorAs(database.db, o.as);
        const r = await generateFollowups(database.db, { date, county: o.county, actor });
        if (o.json) return ctx.io.out(`${JSON.stringify(r)}\n`);
        ctx.io.out(`follow-up lists for ${date}\n`);
        for (const c of r.counties)
          ctx.io.out(`${c.county_code}: ${c.created} new of ${c.candidates} cases\n`);
        if (r.counties.length === 0) ctx.io.out('no cases\n');
      });
    });

  cmd
    .command('export')
    .description("write a county's list to .xlsx for field staff (item id in the first column)")
    .requiredOption('--county <code>', 'county code')
    .option('--date <date>', 'list date (default today)')
    .requiredOption('--out <file>', 'output .xlsx')
    .option('--as <user>', 'export as this user')
    .action(async (o: { county: string; date?: string; out: string; as?: string }) => {
      const date = dateOpt(o.date);
      const out = path.resolve(ctx.cwd, o.out);
      await withDatabase(ctx, async (database) => {
        const actor = await actorAs(database.db, o.as);
        const { buffer, rows } = await exportFollowupsXlsx(database.db, actor, { county: o.county, date });
        fs.writeFileSync(out, buffer);
        ctx.io.out(`${rows} items written to ${out}\n`);
      });
    });

  cmd
    .command('import <file>')
    .description('import filled outcomes from an exported list (matched by item id)')
    .option('--allow-partial', 'apply the good rows and report the bad ones')
    .option('--json', 'JSON output')
    .option('--as <user>', 'import as this user (their county scope applies)')
    .action(async (file: string, o: { allowPartial?: boolean; json?: boolean; as?: string }) => {
      const src = path.resolve(ctx.cwd, file);
      if (!fs.existsSync(src)) throw usageError(`no such file: ${src}`);
      await withDatabase(ctx, async (database) => {
        const actor = await actorAs(database.db, o.as);
        const r = await importOutcomesXlsx(database.db, actor, fs.readFileSync(src), {
          partial: o.allowPartial,
          fileName: path.basename(src),
        });
        if (o.json) ctx.io.out(`${JSON.stringify(r)}\n`);
        else {
          ctx.io.out(
            `${r.status}: ${r.rows} rows, ${r.applied} applied, ${r.unchanged} unchanged, ${r.blank} without outcome, ${r.errors.length} errors\n`,
          );
          for (const e of r.errors)
            ctx.io.err(`row ${e.row} ${e.column ?? ''} "${e.value ?? ''}": ${bilingual(e)}\n`);
        }
        if (r.status === 'rejected')
          throw failure('文件有错误行，未导入 / the file has bad rows; nothing was imported');
      });
    });
}
