import fs from 'node:fs';
import type { Database } from '../db/connect.js';
import { importDirectory, type FileReport } from '../ingest/pipeline/index.js';
import type { ImportProgress } from '../ingest/pipeline/import-file.js';
import { ensureDemoUsers, type DemoUser } from '../modules/users/users.service.js';
import { Conflict } from '../core/errors.js';
import { sql } from 'kysely';
import { generateFollowups } from '../modules/followup/followup.service.js';
import { todayShanghai } from '../core/dates.js';
import { systemActor } from '../server/rbac.js';

export const DEMO_MODE_KEY = 'demo_mode';

/**
 * Load a generated demo city through the real import pipeline, create the demo users, and mark the
 * database as a demo database (demo passwords are then not forced to change).
 */
export async function loadDemoCity(
  database: Database,
  opts: { dir: string; actor: string; onProgress?: (file: string, p: ImportProgress) => void },
): Promise<{ reports: FileReport[]; users: DemoUser[] }> {
  if (!fs.existsSync(opts.dir))
    throw new Conflict(`演示数据目录不存在：${opts.dir}`, `no such demo folder: ${opts.dir}`);
  const reports = await importDirectory(database, {
    dir: opts.dir,
    actor: opts.actor,
    onProgress: opts.onProgress,
  });
  const bad = reports.find((r) => r.status === 'rejected');
  if (bad) {
    const first = bad.errors[0];
    throw new Conflict(
      `演示数据 ${bad.file} 导入失败：${first?.message_zh ?? ''}`,
      `demo file ${bad.file} was rejected: ${first?.message_en ?? ''}`,
    );
  }
  const users = await ensureDemoUsers(database.db);
  await markDemo(database);
  // today's follow-up lists, so the county pages have work on the first visit
  await generateFollowups(database.db, { date: todayShanghai(), actor: systemActor(opts.actor) });
  return { reports, users };
}

async function markDemo(database: Database): Promise<void> {
  await sql`insert into settings (key, value, updated_by) values (${DEMO_MODE_KEY}, 'true', 'demo')
            on conflict (key) do update set value = 'true', updated_at = now()`.execute(database.db);
}

export async function isDemoDatabase(database: Database): Promise<boolean> {
  const r = await database.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', DEMO_MODE_KEY)
    .executeTakeFirst();
  return r?.value === true;
}

export async function isEmptyDatabase(database: Database): Promise<boolean> {
  const r = await database.db.selectFrom('counties').select('county_code').limit(1).execute();
  return r.length === 0;
}
