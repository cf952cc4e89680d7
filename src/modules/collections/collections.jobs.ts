import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { addDays, addMonths, monthOf, todayShanghai } from '../../core/dates.js';
import { systemActor } from '../../server/rbac.js';
import type { Scheduler } from '../../server/scheduler.js';
import { generateFollowups } from '../followup/followup.service.js';
import { registerFollowupHooks } from '../followup/followup.hooks.js';
import { getCollectionsSettings } from './collections.settings.js';
import { generateBulletin } from './bulletin.service.js';
import { weekKeyOf } from './bulletin.period.js';

export const COLLECTIONS_JOBS = {
  followups: 'followup:generate',
  weekly: 'bulletin:collections-weekly',
  monthly: 'bulletin:collections-monthly',
} as const;

/**
 * The collections jobs of the app's one scheduler: the daily follow-up lists (cron from the
 * collections settings, default 07:00), last week's bulletin on Monday mornings and last month's on
 * the 2nd. Also hooks the follow-up lists onto imports (auto-close and today's list after each batch).
 * Called once at server start; returns a function that removes the import hook.
 */
export async function registerCollectionsJobs(
  scheduler: Scheduler,
  deps: { db: Kysely<DB>; today?: () => string },
): Promise<() => void> {
  const today = deps.today ?? (() => todayShanghai());
  const actor = systemActor('system:scheduler');
  const { followup_cron } = await getCollectionsSettings(deps.db);
  scheduler.add(COLLECTIONS_JOBS.followups, followup_cron, async () => {
    const r = await generateFollowups(deps.db, { date: today(), actor });
    return `${r.counties.reduce((s, c) => s + c.created, 0)} new items for ${r.date}`;
  });
  scheduler.add(COLLECTIONS_JOBS.weekly, '0 8 * * 1', async () => {
    const key = weekKeyOf(addDays(today(), -7));
    const b = await generateBulletin(deps.db, actor, 'week', key);
    return `bulletin #${b.bulletin_id} ${key}`;
  });
  scheduler.add(COLLECTIONS_JOBS.monthly, '0 8 2 * *', async () => {
    const key = addMonths(monthOf(today()), -1);
    const b = await generateBulletin(deps.db, actor, 'month', key);
    return `bulletin #${b.bulletin_id} ${key}`;
  });
  return registerFollowupHooks({ today });
}
