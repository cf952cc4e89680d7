import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { NotFound, ValidationError } from '../../core/errors.js';
import { isIsoDate } from '../../core/dates.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import * as repo from './plans.repository.js';
import type { PlanMetric } from './plan.types.js';

/** Shortfall reason categories of the monthly review (月度分析), with their labels. */
export const REASON_CATEGORIES = {
  competition: { zh: '竞争对手冲击', en: 'Competition' },
  resources: { zh: '网络资源不足', en: 'Network resources' },
  channel: { zh: '渠道能力不足', en: 'Channel capacity' },
  product: { zh: '产品与资费', en: 'Product and pricing' },
  staffing: { zh: '人员与组织', en: 'Staffing' },
  policy: { zh: '政策与考核', en: 'Policy' },
  seasonal: { zh: '季节性因素', en: 'Seasonality' },
  other: { zh: '其他', en: 'Other' },
} as const;
export type ReasonCategory = keyof typeof REASON_CATEGORIES;

const assertMonth = (year: number, month: number) => {
  if (
    !Number.isInteger(year) ||
    year < 1900 ||
    year > 2999 ||
    !Number.isInteger(month) ||
    month < 1 ||
    month > 12
  ) {
    throw new ValidationError(`年月无效：${year}-${month}`, `Not a valid year and month: ${year}-${month}`);
  }
};

export const createReviewService = (deps: { db: Kysely<DB> }) => {
  const { db } = deps;
  return {
    async listProvinceRanks(actor: Actor, f: { year?: number; metric?: string }) {
      assertCan(actor, 'plans:read');
      const rows = await repo.listProvinceRanks(db, f);
      return rows.map((r) => ({ ...r, entered_at: String(r.entered_at) }));
    },

    /** The city's rank in the province for a month (entered by hand; a correction replaces it). */
    async setProvinceRank(actor: Actor, r: repo.ProvinceRankInput) {
      assertCan(actor, 'plans:write');
      assertMonth(r.year, r.month);
      if (!Number.isInteger(r.rank) || r.rank < 1 || (r.ofTotal !== null && r.rank > r.ofTotal)) {
        throw new ValidationError(`排名无效：${r.rank}`, `Not a valid rank: ${r.rank}`, { field: 'rank' });
      }
      return db.transaction().execute(async (trx) => {
        const { before, after } = await repo.upsertProvinceRank(trx, r, actor.username);
        await recordAudit(trx, {
          actor: actor.username,
          action: before ? 'update' : 'create',
          entity: 'province_rank',
          entityId: `${r.year}-${r.month}-${r.metric}`,
          before: before ?? null,
          after,
        });
        return { ...after, entered_at: String(after.entered_at) };
      });
    },

    /**
     * The review of a month: its items (county shortfall reasons and actions) and, for follow-up,
     * the actions of earlier reviews of the year that are still open.
     */
    async list(
      actor: Actor,
      f: { year: number; month: number; metric?: PlanMetric; county?: string | null },
    ) {
      assertCan(actor, 'plans:read');
      assertMonth(f.year, f.month);
      const county = scopedCounty(actor, f.county ?? null);
      const items = await repo.listReviews(db, { year: f.year, month: f.month, metric: f.metric, county });
      const earlier = await repo.listReviews(db, {
        year: f.year,
        beforeMonth: f.month,
        metric: f.metric,
        county,
      });
      const followUp = earlier.flatMap((r) =>
        r.actions
          .filter((a) => a.status === 'open')
          .map((a) => ({
            ...a,
            county_code: r.county_code,
            review_month: r.month,
            metric: r.metric,
            reason_category: r.reason_category,
          })),
      );
      return { year: f.year, month: f.month, items, follow_up: followUp };
    },

    async create(
      actor: Actor,
      r: {
        year: number;
        month: number;
        metric: PlanMetric;
        county: string;
        reasonCategory: string;
        reasonText: string;
        actions: repo.ReviewActionInput[];
      },
    ) {
      assertCan(actor, 'plans:write');
      assertMonth(r.year, r.month);
      assertCountyAccess(actor, r.county);
      if (!(r.reasonCategory in REASON_CATEGORIES)) {
        throw new ValidationError(
          `未知原因分类：${r.reasonCategory}`,
          `Unknown reason category: ${r.reasonCategory}`,
          {
            field: 'reason_category',
            allowed: Object.keys(REASON_CATEGORIES),
          },
        );
      }
      r.actions.forEach((a, i) => {
        if (!a.action.trim() || !a.owner.trim() || !isIsoDate(a.dueDate)) {
          throw new ValidationError(
            `第 ${i + 1} 项措施需要内容、责任人和有效的完成日期`,
            `Action ${i + 1} needs a text, an owner and a valid due date`,
            { index: i },
          );
        }
      });
      const counties = await repo.listCounties(db);
      if (!counties.some((c) => c.county_code === r.county)) throw new NotFound('county', r.county);
      return db.transaction().execute(async (trx) => {
        const id = await repo.insertReview(trx, r, actor.username);
        await recordAudit(trx, {
          actor: actor.username,
          action: 'create',
          entity: 'plan_review',
          entityId: id,
          county: r.county,
          after: r,
        });
        return { review_id: id };
      });
    },

    async updateAction(
      actor: Actor,
      actionId: number,
      patch: { status?: 'open' | 'done' | 'dropped'; followUp?: string },
    ) {
      assertCan(actor, 'plans:write');
      return db.transaction().execute(async (trx) => {
        const before = await repo.getReviewAction(trx, actionId);
        if (!before) throw new NotFound('review action', actionId);
        assertCountyAccess(actor, before.county_code);
        const after = await repo.updateReviewAction(trx, actionId, patch, actor.username);
        await recordAudit(trx, {
          actor: actor.username,
          action: 'update',
          entity: 'plan_review_action',
          entityId: actionId,
          county: before.county_code,
          before: { status: before.status, follow_up: before.follow_up },
          after: { status: after.status, follow_up: after.follow_up },
        });
        return after;
      });
    },
  };
};

export type ReviewService = ReturnType<typeof createReviewService>;
