import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { todayShanghai } from '../core/dates.js';
import { scopedCounty, type Actor } from '../server/rbac.js';
import {
  heldReference,
  loadReference,
  type ReferenceData,
} from '../modules/reference/reference.repository.js';
import { cashMetrics } from './cash.metrics.js';
import { collectionsMetrics } from './collections.metrics.js';
import { developmentMetrics } from './development.metrics.js';
import { healthMetrics } from './health.metrics.js';
import { terminalsMetrics } from './terminals.metrics.js';
import { aggregatesEnabled, serveAggregates } from './aggregates/serve.js';
import { checkQuery, periodMonths, type CheckedQuery } from './query.js';
import { basisOf, enumerateGroups, shapeRows, type RawRow } from './shape.js';
import type { Dim, MetricAnswer, MetricDef, MetricQuery, ScopedQuery } from './types.js';

const DEFS: ReadonlyMap<string, MetricDef> = new Map(
  [...developmentMetrics, ...collectionsMetrics, ...healthMetrics, ...cashMetrics, ...terminalsMetrics].map(
    (m) => [m.info.id, m],
  ),
);

export function metricDef(id: string): MetricDef {
  const def = DEFS.get(id);
  if (!def) throw new Error(`metric ${id} has no definition`);
  return def;
}

export type Prepared = { def: MetricDef; sq: ScopedQuery; checked: CheckedQuery; ref: ReferenceData };

/**
 * The one gate every metric query passes: validation against the metric's kind and cuts, and the
 * actor's county scope. Families only ever see the ScopedQuery it returns.
 */
export async function prepareQuery(
  db: Kysely<DB>,
  actor: Actor,
  q: MetricQuery,
  today?: string,
  held?: ReferenceData,
): Promise<Prepared> {
  const county = scopedCounty(actor, q.filters.county);
  const ref = held ?? (await loadReference(db));
  const checked = checkQuery(
    { ...q, filters: { ...q.filters, ...(county ? { county } : {}) } },
    today ?? todayShanghai(),
    ref,
  );
  const def = metricDef(checked.info.id);
  const sq: ScopedQuery = {
    info: checked.info,
    from: checked.from,
    to: checked.to,
    at: checked.at,
    month: checked.month,
    n: checked.n,
    by: checked.by,
    county,
    product: q.filters.product ?? null,
  };
  return { def, sq, checked, ref };
}

/** The records of a prepared query with its scope and filters applied (in one place). */
export function scopedRecords(p: Prepared): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (p.sq.county !== null) conds.push(sql`r.county = ${p.sq.county}`);
  if (p.sq.product !== null) conds.push(sql`r.product = ${p.sq.product}`);
  return sql`select * from (${p.def.records(p.sq)}) r where ${sql.join(conds, sql` and `)}`;
}

async function aggregate(db: Kysely<DB>, p: Prepared): Promise<RawRow[]> {
  const dims = p.def.dims.map((c) => sql.ref(`f.${c}`));
  const r = await sql<Record<string, string | number | null>>`
    select ${sql.join(dims)}, coalesce(sum(f.num), 0)::bigint as num, coalesce(sum(f.den), 0)::bigint as den
    from (${scopedRecords(p)}) f group by ${sql.join(dims)}`.execute(db);
  return r.rows.map((row) => {
    const out: RawRow = { num: Number(row.num), den: Number(row.den) };
    for (const c of p.def.dims) out[c] = (row[c] as string | null) ?? null;
    return out;
  });
}

/**
 * The fast path, one round trip: validate against the reference data the handle holds, and let the
 * aggregate statement read reference_version in its own snapshot (when the aggregates ran no statement
 * that did, loadReference checks it: it answers with the held object while the version is unchanged).
 * Null (then the caller validates against freshly read reference data) when none is held, it has
 * changed, or validation against it failed (a code added since is valid now).
 */
async function withHeldReference(
  db: Kysely<DB>,
  actor: Actor,
  q: MetricQuery,
  today: string | undefined,
): Promise<{ p: Prepared; raw: RawRow[] } | null> {
  const held = heldReference(db);
  if (!held) return null;
  let p: Prepared;
  try {
    p = await prepareQuery(db, actor, q, today, held.data);
  } catch {
    return null;
  }
  const served = await serveAggregates(db, p.sq);
  const current = served.refVersion === null && (await loadReference(db)) === held.data;
  if (served.refVersion !== held.version && !current) return null;
  return { p, raw: served.rows ?? (await aggregate(db, p)) };
}

export async function runMetric(
  db: Kysely<DB>,
  actor: Actor,
  q: MetricQuery,
  opts: { today?: string; aggregates?: boolean } = {},
): Promise<MetricAnswer> {
  // the aggregates answer when every slice the query needs is fresh; otherwise the detail records do
  const useAgg = (opts.aggregates ?? true) && aggregatesEnabled();
  const answered = (useAgg && (await withHeldReference(db, actor, q, opts.today))) || null;
  let p: Prepared;
  let raw: RawRow[];
  if (answered) ({ p, raw } = answered);
  else {
    p = await prepareQuery(db, actor, q, opts.today);
    raw = (useAgg ? (await serveAggregates(db, p.sq)).rows : null) ?? (await aggregate(db, p));
  }
  const { info } = p.def;
  const isArrears = info.family === 'collections' && info.kind === 'point';
  let months: string[] = [];
  if (p.sq.by.includes('month')) {
    // a bill-month cut of arrears lists only the bill months with arrears somewhere in the answer
    months = isArrears
      ? [...new Set(raw.filter((r) => r.num !== 0 && r.month).map((r) => r.month as string))].sort()
      : periodMonths(p.sq.from, p.sq.to);
  }
  const groups = enumerateGroups(p.sq, p.ref, months, basisOf(info) === 'moves');
  const rows = shapeRows(groups, raw, p.sq.by as Dim[], info.unit === 'rate', p.sq.at);
  return {
    metric: info.id,
    ...p.checked.echo,
    ...(info.kind === 'bill_month' ? { provisional: p.checked.provisional ?? false } : {}),
    by: [...p.sq.by],
    rows,
  };
}
