import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { firstDay, monthOf } from '../../core/dates.js';
import { NotFound } from '../../core/errors.js';
import { rate, type Rate } from '../../core/rate.js';
import { runMetric } from '../../metrics/index.js';
import { assertCan, assertCountyAccess, scopedCounty, type Actor } from '../../server/rbac.js';
import { recordAudit } from '../audit/audit.repository.js';
import { tablesToXlsx } from '../../export/table-export.js';
import { collectionsOverview } from './collections.service.js';
import { limitLevel, type LimitLevel } from './limits.rules.js';
import {
  periodOf,
  previousPeriod,
  rateComparison,
  type Comparison,
  type Period,
  type PeriodKind,
} from './bulletin.period.js';

/**
 * The collections bulletin (通报) of a week or a month, per county. The collection rate is that of the
 * bill month before the period's last day's month, at the period's last day (for a month: EOM, the
 * final rate of the previous bill month). "Change" is like-for-like (see `rateComparison`): the same
 * bill month at the previous week's end, or the previous bill month at the same day of its collection
 * month; `comparison` in the content says which figure was used.
 */
export type BulletinRow = {
  county_code: string;
  county_name: string;
  receivable: number;
  collected: number;
  rate: Rate;
  below_target: boolean;
  rank: number;
  previous_rate: Rate;
  /** rate change in basis points (value − previous value) × 10000; null if either is null */
  change_bp: number | null;
  long_term: number;
  long_term_previous: number;
  adjustments: number;
  adjustment_limit: number | null;
  adjustment_level: LimitLevel;
  followup_total: number;
  followup_closed: number;
  followup_completion: Rate;
};
export type BulletinContent = {
  period: Period;
  bill_month: string;
  cutoff: string;
  target_bp: number;
  /** where previous_rate was read (absent in bulletins archived before the like-for-like rule) */
  comparison?: Comparison;
  rows: BulletinRow[];
};

/** Rank 1 = highest rate; ties: more collected, then county code; a null rate ranks last. */
export function rankCounties<T extends { county_code: string; rate: Rate; collected: number }>(
  rows: T[],
): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => {
    const av = a.rate.value;
    const bv = b.rate.value;
    if (av === null || bv === null)
      return av === bv ? a.county_code.localeCompare(b.county_code) : av === null ? 1 : -1;
    // compare the exact fractions, not the rounded values
    const cmp = b.rate.numerator * a.rate.denominator - a.rate.numerator * b.rate.denominator;
    return cmp || b.collected - a.collected || a.county_code.localeCompare(b.county_code);
  });
  return sorted.map((r, i) => ({ ...r, rank: i + 1 }));
}

async function longTerm(db: Kysely<DB>, actor: Actor, p: Period) {
  const lt = await runMetric(db, actor, {
    metric: 'long_term_arrears',
    at: p.to,
    by: ['county'],
    filters: {},
  });
  return new Map(lt.rows.map((r) => [String(r.county), Number(r.value ?? 0)]));
}

export async function buildBulletin(
  db: Kysely<DB>,
  actor: Actor,
  kind: PeriodKind,
  key: string,
): Promise<BulletinContent> {
  const period = periodOf(kind, key);
  const prev = previousPeriod(period);
  const comparison = rateComparison(period);
  const overview = await collectionsOverview(db, actor, {
    month: comparison.current.bill_month,
    cutoff: comparison.current.cutoff,
  });
  const previous = await collectionsOverview(db, actor, {
    month: comparison.previous.bill_month,
    cutoff: comparison.previous.cutoff,
  });
  const lt = await longTerm(db, actor, period);
  const ltBefore = await longTerm(db, actor, prev);
  const monthStart = firstDay(monthOf(period.to));
  const adj = await runMetric(db, actor, {
    metric: 'adjustment_total',
    from: monthStart,
    to: period.to,
    by: ['county'],
    filters: {},
  });
  const adjOf = new Map(adj.rows.map((r) => [String(r.county), Number(r.value ?? 0)]));
  const limits = await db
    .selectFrom('adjustment_limits')
    .select(['county_code', 'limit_amount'])
    .where('limit_month', '=', monthStart)
    .execute();
  const limitOf = new Map(limits.map((l) => [l.county_code ?? '', Number(l.limit_amount)]));
  const fu = await sql<{ county_code: string; total: number; closed: number }>`
    select county_code, count(*)::int as total, count(*) filter (where status = 'closed')::int as closed
    from followup_items where list_date between ${period.from}::date and ${period.to}::date group by county_code`.execute(
    db,
  );
  const fuOf = new Map(fu.rows.map((r) => [r.county_code, r]));
  const names = new Map(
    (await db.selectFrom('counties').select(['county_code', 'county_name']).execute()).map((c) => [
      c.county_code,
      c.county_name,
    ]),
  );
  const prevRate = new Map(previous.counties.map((c) => [c.county_code ?? '', c.rate]));
  const ranked = rankCounties(overview.counties.map((c) => ({ ...c, county_code: c.county_code ?? '' })));
  const rows: BulletinRow[] = ranked
    .map((c) => {
      const pr = prevRate.get(c.county_code) ?? rate(0, 0);
      const limit = limitOf.get(c.county_code) ?? null;
      const total = adjOf.get(c.county_code) ?? 0;
      const f = fuOf.get(c.county_code);
      return {
        county_code: c.county_code,
        county_name: names.get(c.county_code) ?? c.county_code,
        receivable: c.receivable,
        collected: c.collected,
        rate: c.rate,
        below_target: c.below_target,
        rank: c.rank,
        previous_rate: pr,
        change_bp:
          c.rate.value === null || pr.value === null ? null : Math.round((c.rate.value - pr.value) * 10000),
        long_term: lt.get(c.county_code) ?? 0,
        long_term_previous: ltBefore.get(c.county_code) ?? 0,
        adjustments: total,
        adjustment_limit: limit,
        adjustment_level: limitLevel(total, limit),
        followup_total: f?.total ?? 0,
        followup_closed: f?.closed ?? 0,
        followup_completion: rate(f?.closed ?? 0, f?.total ?? 0),
      };
    })
    .sort((a, b) => a.rank - b.rank);
  return {
    period,
    bill_month: comparison.current.bill_month,
    cutoff: overview.cutoff,
    target_bp: overview.target_bp,
    comparison,
    rows,
  };
}

/** Generate (or regenerate) and archive a bulletin; the city-wide view needs no county scope. */
export async function generateBulletin(
  db: Kysely<DB>,
  actor: Actor,
  kind: PeriodKind,
  key: string,
): Promise<{ bulletin_id: number; content: BulletinContent }> {
  assertCan(actor, 'collections:read');
  // the bulletin ranks every county: only a city-wide user can generate it
  assertCountyAccess(actor, null);
  const content = await buildBulletin(db, actor, kind, key);
  const id = await db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('collection_bulletins')
      .values({
        period_kind: kind,
        period_key: content.period.key,
        period_from: content.period.from,
        period_to: content.period.to,
        content: JSON.stringify(content),
        generated_by: actor.username,
      })
      .onConflict((oc) =>
        oc.columns(['period_kind', 'period_key']).doUpdateSet({
          content: JSON.stringify(content),
          generated_by: actor.username,
          generated_at: new Date(),
        }),
      )
      .returning('bulletin_id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: actor.username,
      action: 'generate',
      entity: 'collection_bulletin',
      entityId: `${kind}:${content.period.key}`,
    });
    return r.bulletin_id;
  });
  return { bulletin_id: id, content };
}

export async function listBulletins(db: Kysely<DB>) {
  return db
    .selectFrom('collection_bulletins')
    .select([
      'bulletin_id',
      'period_kind',
      'period_key',
      'period_from',
      'period_to',
      'generated_at',
      'generated_by',
    ])
    .orderBy('period_to', 'desc')
    .orderBy('period_kind')
    .limit(200)
    .execute();
}

/** An archived bulletin; a county user sees only their county's row (and its rank). */
export async function getBulletin(
  db: Kysely<DB>,
  actor: Actor,
  id: number,
): Promise<BulletinContent & { bulletin_id: number }> {
  const r = await db
    .selectFrom('collection_bulletins')
    .select(['bulletin_id', 'content'])
    .where('bulletin_id', '=', id)
    .executeTakeFirst();
  if (!r) throw new NotFound('通报 / bulletin', id);
  const content = r.content as BulletinContent;
  const county = scopedCounty(actor, null);
  return {
    ...content,
    rows: county ? content.rows.filter((x) => x.county_code === county) : content.rows,
    bulletin_id: r.bulletin_id,
  };
}

const COLUMNS = [
  { key: 'rank', header: '排名 Rank', kind: 'integer' },
  { key: 'county_name', header: '县区 County', kind: 'text' },
  { key: 'receivable', header: '当期应收 Receivable', kind: 'money' },
  { key: 'collected', header: '当期实收 Collected', kind: 'money' },
  { key: 'rate', header: '回收率 Rate', kind: 'rate' },
  { key: 'vs_target', header: '达标 Target met', kind: 'text' },
  { key: 'previous_rate', header: '上期回收率 Previous', kind: 'rate' },
  { key: 'long_term', header: '长期欠费 Long-term arrears', kind: 'money' },
  { key: 'long_term_change', header: '长期欠费变化 Change', kind: 'money' },
  { key: 'adjustments', header: '调帐 Adjustments', kind: 'money' },
  { key: 'adjustment_limit', header: '调帐额度 Limit', kind: 'money' },
  { key: 'followup_completion', header: '核查完成率 Follow-up done', kind: 'rate' },
] as const;

const bulletinRows = (c: BulletinContent) =>
  c.rows.map((r) => ({
    ...r,
    rate: r.rate.value,
    previous_rate: r.previous_rate.value,
    vs_target: r.below_target ? '未达标 below' : '达标 met',
    long_term_change: r.long_term - r.long_term_previous,
    followup_completion: r.followup_completion.value,
  }));

const compared = (c: BulletinContent) =>
  c.comparison
    ? `；上期 previous = 账期 ${c.comparison.previous.bill_month} 截至 ${c.comparison.previous.cutoff}`
    : '';
const titleOf = (c: BulletinContent) =>
  `欠费回收通报 Collections bulletin ${c.period.key}（${c.period.from} ~ ${c.period.to}；账期 ${c.bill_month}，截至 ${c.cutoff}，目标 ${(c.target_bp / 100).toFixed(2)}%${compared(c)}）`;

export async function bulletinXlsx(c: BulletinContent): Promise<Buffer> {
  return tablesToXlsx([
    { sheetName: '通报', title: titleOf(c), columns: [...COLUMNS], rows: bulletinRows(c) },
  ]);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '—');
const yuan = (v: unknown) => (typeof v === 'number' ? (v / 100).toFixed(2) : '—');

/** A printable page: plain HTML with print CSS, every value escaped. */
export function bulletinHtml(c: BulletinContent): string {
  const rows = bulletinRows(c)
    .map((r) => {
      const cells = COLUMNS.map((col) => {
        const v = (r as Record<string, unknown>)[col.key];
        const text = col.kind === 'money' ? yuan(v) : col.kind === 'rate' ? pct(v) : esc(String(v ?? ''));
        return `<td class="${col.kind}">${text}</td>`;
      }).join('');
      return `<tr${r.below_target ? ' class="below"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(titleOf(c))}</title>
<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;font-size:12px}
td.money,td.rate,td.integer{text-align:right}tr.below td{color:#c00}@media print{body{margin:0}}</style></head>
<body><h2>${esc(titleOf(c))}</h2><table><thead><tr>${COLUMNS.map((col) => `<th>${esc(col.header)}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}
