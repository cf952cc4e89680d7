import { type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, PlanValueTable, PlanVersionTable } from '../../db/schema.js';
import type { CountyPlan, PlanMetric } from './plan.types.js';

/** All SQL of the plans module. The first argument is the database or the caller's transaction. */
export type Db = Kysely<DB> | Transaction<DB>;

export type PlanKey = { year: number; metric: PlanMetric; product: string | null };
export type VersionRow = Selectable<PlanVersionTable>;

const MONTH_COLS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11', 'm12'] as const;

export async function listCounties(
  db: Db,
): Promise<{ county_code: string; county_name: string; households: number | null }[]> {
  return db
    .selectFrom('counties')
    .select(['county_code', 'county_name', 'households'])
    .orderBy('county_code')
    .execute();
}

export async function productExists(db: Db, product: string): Promise<boolean> {
  const r = await db
    .selectFrom('products')
    .select('product_code')
    .where('product_code', '=', product)
    .executeTakeFirst();
  return r !== undefined;
}

export async function nextVersionNo(db: Db, k: PlanKey): Promise<number> {
  const r = await db
    .selectFrom('plan_versions')
    .select((eb) => eb.fn.max('version_no').as('v'))
    .where('year', '=', k.year)
    .where('metric', '=', k.metric)
    .where((eb) => (k.product === null ? eb('product_code', 'is', null) : eb('product_code', '=', k.product)))
    .executeTakeFirst();
  return Number(r?.v ?? 0) + 1;
}

export async function insertVersion(
  db: Db,
  v: PlanKey & {
    versionNo: number;
    annual: bigint;
    weights: unknown;
    distribution: unknown;
    revisionMode: 'all' | 'remaining';
    fromMonth: number;
    basedOn: number | null;
    note: string | null;
    createdBy: string;
  },
): Promise<number> {
  const r = await db
    .insertInto('plan_versions')
    .values({
      year: v.year,
      metric: v.metric,
      product_code: v.product,
      version_no: v.versionNo,
      status: 'draft',
      annual: v.annual,
      weights: JSON.stringify(v.weights),
      distribution: JSON.stringify(v.distribution),
      revision_mode: v.revisionMode,
      from_month: v.fromMonth,
      based_on: v.basedOn,
      note: v.note,
      created_by: v.createdBy,
    })
    .returning('plan_id')
    .executeTakeFirstOrThrow();
  return r.plan_id;
}

export async function insertValues(db: Db, planId: number, plans: readonly CountyPlan[]): Promise<void> {
  if (!plans.length) return;
  await db
    .insertInto('plan_values')
    .values(
      plans.map((p) => ({
        plan_id: planId,
        county_code: p.county,
        annual: p.annual,
        ...monthColumns(p.months),
      })),
    )
    .execute();
}

type MonthColumns = Pick<Insertable<PlanValueTable>, (typeof MONTH_COLS)[number]>;
const monthColumns = (months: readonly bigint[]): MonthColumns =>
  Object.fromEntries(MONTH_COLS.map((c, i) => [c, months[i] ?? 0n])) as MonthColumns;

export async function getVersion(db: Db, planId: number): Promise<VersionRow | undefined> {
  return db.selectFrom('plan_versions').selectAll().where('plan_id', '=', planId).executeTakeFirst();
}

export async function getValues(db: Db, planId: number): Promise<CountyPlan[]> {
  const rows = await db
    .selectFrom('plan_values')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('county_code')
    .execute();
  return rows.map((r) => ({
    county: r.county_code,
    annual: BigInt(r.annual),
    months: MONTH_COLS.map((c) => BigInt(r[c])),
  }));
}

export async function listVersions(
  db: Db,
  f: { year?: number; metric?: PlanMetric; product?: string | null },
): Promise<VersionRow[]> {
  let q = db.selectFrom('plan_versions').selectAll();
  if (f.year !== undefined) q = q.where('year', '=', f.year);
  if (f.metric !== undefined) q = q.where('metric', '=', f.metric);
  if (f.product !== undefined) {
    const p = f.product;
    q = q.where((eb) => (p === null ? eb('product_code', 'is', null) : eb('product_code', '=', p)));
  }
  return q.orderBy('year').orderBy('metric').orderBy('product_code').orderBy('version_no').execute();
}

/** The latest version of a key; `publishedOnly` for the one in force. */
export async function latestVersion(
  db: Db,
  k: PlanKey,
  publishedOnly: boolean,
): Promise<VersionRow | undefined> {
  let q = db
    .selectFrom('plan_versions')
    .selectAll()
    .where('year', '=', k.year)
    .where('metric', '=', k.metric)
    .where((eb) =>
      k.product === null ? eb('product_code', 'is', null) : eb('product_code', '=', k.product),
    );
  if (publishedOnly) q = q.where('status', '=', 'published');
  return q.orderBy('version_no', 'desc').limit(1).executeTakeFirst();
}

/** Publish a draft; undefined when it is not a draft (already published, or missing). */
export async function publishVersion(db: Db, planId: number, by: string): Promise<VersionRow | undefined> {
  return db
    .updateTable('plan_versions')
    .set({ status: 'published', published_by: by, published_at: new Date() })
    .where('plan_id', '=', planId)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

export async function getSetting(db: Db, key: string): Promise<unknown> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

export type ProvinceRankInput = {
  year: number;
  month: number;
  metric: string;
  rank: number;
  ofTotal: number | null;
  note: string | null;
};

export async function upsertProvinceRank(db: Db, r: ProvinceRankInput, by: string) {
  const before = await db
    .selectFrom('plan_province_ranks')
    .selectAll()
    .where('year', '=', r.year)
    .where('month', '=', r.month)
    .where('metric', '=', r.metric)
    .forUpdate()
    .executeTakeFirst();
  const after = await db
    .insertInto('plan_province_ranks')
    .values({
      year: r.year,
      month: r.month,
      metric: r.metric,
      rank: r.rank,
      of_total: r.ofTotal,
      note: r.note,
      entered_by: by,
    })
    .onConflict((oc) =>
      oc.columns(['year', 'month', 'metric']).doUpdateSet({
        rank: r.rank,
        of_total: r.ofTotal,
        note: r.note,
        entered_by: by,
        entered_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}

export async function listProvinceRanks(db: Db, f: { year?: number; metric?: string }) {
  let q = db.selectFrom('plan_province_ranks').selectAll();
  if (f.year !== undefined) q = q.where('year', '=', f.year);
  if (f.metric !== undefined) q = q.where('metric', '=', f.metric);
  return q.orderBy('year').orderBy('month').orderBy('metric').execute();
}

export type ReviewActionInput = { action: string; owner: string; dueDate: string };

export async function insertReview(
  db: Db,
  r: {
    year: number;
    month: number;
    metric: PlanMetric;
    county: string;
    reasonCategory: string;
    reasonText: string;
    actions: ReviewActionInput[];
  },
  by: string,
): Promise<number> {
  const row = await db
    .insertInto('plan_reviews')
    .values({
      year: r.year,
      month: r.month,
      metric: r.metric,
      county_code: r.county,
      reason_category: r.reasonCategory,
      reason_text: r.reasonText,
      created_by: by,
    })
    .returning('review_id')
    .executeTakeFirstOrThrow();
  if (r.actions.length) {
    await db
      .insertInto('plan_review_actions')
      .values(
        r.actions.map((a) => ({
          review_id: row.review_id,
          action: a.action,
          owner: a.owner,
          due_date: a.dueDate,
          updated_by: by,
        })),
      )
      .execute();
  }
  return row.review_id;
}

/** Reviews with their actions, filtered; `beforeMonth` gives the earlier reviews (follow-up). */
export async function listReviews(
  db: Db,
  f: { year: number; month?: number; beforeMonth?: number; metric?: PlanMetric; county: string | null },
) {
  let q = db.selectFrom('plan_reviews').selectAll().where('year', '=', f.year);
  if (f.month !== undefined) q = q.where('month', '=', f.month);
  if (f.beforeMonth !== undefined) q = q.where('month', '<', f.beforeMonth);
  if (f.metric !== undefined) q = q.where('metric', '=', f.metric);
  if (f.county !== null) q = q.where('county_code', '=', f.county);
  const reviews = await q.orderBy('month').orderBy('county_code').orderBy('review_id').execute();
  const ids = reviews.map((r) => r.review_id);
  const actions = ids.length
    ? await db
        .selectFrom('plan_review_actions')
        .selectAll()
        .where('review_id', 'in', ids)
        .orderBy('action_id')
        .execute()
    : [];
  return reviews.map((r) => ({ ...r, actions: actions.filter((a) => a.review_id === r.review_id) }));
}

export async function getReviewAction(db: Db, actionId: number) {
  return db
    .selectFrom('plan_review_actions as a')
    .innerJoin('plan_reviews as r', 'r.review_id', 'a.review_id')
    .selectAll('a')
    .select(['r.county_code', 'r.year', 'r.month'])
    .where('a.action_id', '=', actionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateReviewAction(
  db: Db,
  actionId: number,
  patch: { status?: 'open' | 'done' | 'dropped'; followUp?: string },
  by: string,
) {
  return db
    .updateTable('plan_review_actions')
    .set({
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.followUp !== undefined ? { follow_up: patch.followUp } : {}),
      updated_by: by,
      updated_at: new Date(),
    })
    .where('action_id', '=', actionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
