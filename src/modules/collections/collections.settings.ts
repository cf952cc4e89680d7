import { Cron } from 'croner';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { ValidationError } from '../../core/errors.js';
import { recordAudit } from '../audit/audit.repository.js';

/**
 * Collections settings, one JSON value under the `collections` key of `settings`. Rates are kept as
 * basis points (9800 = 98.00%) and money as fen, so nothing here is a float.
 */
export const collectionsSettingsSchema = z.object({
  /** current-period collection rate target, basis points */
  target_rate_bp: z.number().int().min(0).max(10000),
  /** follow-up: arrears above this many fen put a subscriber on the list */
  arrears_threshold_fen: z.number().int().min(0),
  /** follow-up: months of zero fees (the metric's N) */
  zero_fee_months: z.number().int().min(1).max(24),
  /** follow-up: contracts ending within this many days and not renewed */
  contract_days: z.number().int().min(1).max(365),
  /** stop ladder: dual stop longer than this many days is a disconnection candidate */
  dual_stop_days: z.number().int().min(1).max(3650),
  /** daily list generation time (cron, Asia/Shanghai) */
  followup_cron: z
    .string()
    .min(9)
    .max(60)
    .refine(isCron, { message: 'not a valid cron pattern (5 or 6 fields, e.g. "0 7 * * *")' }),
});
/** The scheduler (croner) refuses a bad pattern at server start: refuse it when it is saved instead. */
function isCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

export type CollectionsSettings = z.infer<typeof collectionsSettingsSchema>;

export const DEFAULT_COLLECTIONS_SETTINGS: CollectionsSettings = {
  target_rate_bp: 9800,
  arrears_threshold_fen: 20000,
  zero_fee_months: 3,
  contract_days: 30,
  dual_stop_days: 60,
  followup_cron: '0 7 * * *',
};

const KEY = 'collections';

export async function getCollectionsSettings(db: Kysely<DB>): Promise<CollectionsSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const stored = collectionsSettingsSchema.partial().safeParse(row?.value ?? {});
  return { ...DEFAULT_COLLECTIONS_SETTINGS, ...(stored.success ? stored.data : {}) };
}

/** Merge a partial change into the stored settings (in the caller's transaction) and audit it. */
export async function updateCollectionsSettings(
  trx: Kysely<DB>,
  actor: string,
  patch: Partial<CollectionsSettings>,
): Promise<CollectionsSettings> {
  const before = await getCollectionsSettings(trx);
  const parsed = collectionsSettingsSchema.safeParse({ ...before, ...patch });
  if (!parsed.success) {
    throw new ValidationError('催缴设置无效', 'Invalid collections settings', {
      issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  const value = JSON.stringify(parsed.data);
  await trx
    .insertInto('settings')
    .values({ key: KEY, value, updated_by: actor })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: actor, updated_at: new Date() }))
    .execute();
  await recordAudit(trx, {
    actor,
    action: 'update',
    entity: 'setting',
    entityId: KEY,
    before,
    after: parsed.data,
  });
  return parsed.data;
}
