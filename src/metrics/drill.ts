import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { Forbidden, ValidationError } from '../core/errors.js';
import { addMonths, monthOf } from '../core/dates.js';
import { maskIdNumber, maskName, maskPhone } from '../core/pii.js';
import { can, type Actor } from '../server/rbac.js';
import { recordAudit } from '../modules/audit/audit.repository.js';
import { prepareQuery, scopedRecords } from './engine.js';
import { AGING_BUCKETS } from './shape.js';
import type { DrillColumn, MetricQuery } from './types.js';

export type DrillQuery = {
  /** the answer row's group keys, e.g. {county: 'C01', month: '2026-03'} */
  row: Record<string, string | null>;
  side: 'numerator' | 'denominator' | 'value';
  page: number;
  pageSize: number;
  sort?: string;
  order: 'asc' | 'desc';
  reveal: boolean;
};

export type DrillAnswer = {
  metric: string;
  columns: DrillColumn[];
  rows: Record<string, unknown>[];
  total: number;
  revealed: boolean;
};

const bad = (zh: string, en: string, details?: Record<string, unknown>) =>
  new ValidationError(zh, en, details);

/**
 * The records behind one row of an answer: the same records the figure sums, through the same scope
 * gate, restricted to the row's group keys and to the side asked for (records contributing to the
 * numerator or to the denominator; `value` = all records of the group, for a rate its denominator).
 */
export async function drillMetric(
  db: Kysely<DB>,
  actor: Actor,
  q: MetricQuery,
  dq: DrillQuery,
  opts: { today?: string; ip?: string | null } = {},
): Promise<DrillAnswer> {
  const p = await prepareQuery(db, actor, q, opts.today);
  const isRate = p.def.info.unit === 'rate';
  const conds: RawBuilder<unknown>[] = [sql`true`];
  for (const [k, v] of Object.entries(dq.row)) {
    if (!(p.sq.by as string[]).includes(k)) {
      throw bad(
        `行键 ${k} 不是本查询的分组维度`,
        `row key ${k} is not one of the query's cuts (${p.sq.by.join(', ')})`,
        { field: 'row' },
      );
    }
    if (v !== null && typeof v !== 'string')
      throw bad(`行键 ${k} 的值无效`, `row key ${k} has an invalid value`, { field: 'row' });
    if (k === 'bucket') {
      const b = AGING_BUCKETS.find((x) => x.key === v);
      if (!b) throw bad(`未知账龄段：${String(v)}`, `unknown aging bucket: ${String(v)}`, { field: 'row' });
      const mt = monthOf(p.sq.at);
      const hiMonth = addMonths(mt, -b.lo);
      const lo = Number.isFinite(b.hi) ? addMonths(mt, -b.hi) : '0000-00';
      conds.push(sql`r.month between ${lo} and ${hiMonth}`);
      continue;
    }
    conds.push(v === null ? sql`${sql.ref(`r.${k}`)} is null` : sql`${sql.ref(`r.${k}`)} = ${v}`);
  }
  if (dq.side === 'numerator') conds.push(sql`r.num <> 0`);
  else if (dq.side === 'denominator' || isRate) {
    if (!isRate && dq.side === 'denominator') {
      throw bad('该指标不是比率，没有分母', 'this metric is not a rate and has no denominator', {
        field: 'side',
      });
    }
    conds.push(sql`r.den <> 0`);
  }
  const columns = [...p.def.columns];
  const sortKey = dq.sort ?? columns[0]?.key ?? 'num';
  if (!columns.some((c) => c.key === sortKey)) {
    throw bad(`不能按 ${sortKey} 排序`, `cannot sort by ${sortKey}`, {
      field: 'sort',
      allowed: columns.map((c) => c.key),
    });
  }
  const where = sql.join(conds, sql` and `);
  const base = sql`(${scopedRecords(p)}) r where ${where}`;
  const totalRow = await sql<{ n: number }>`select count(*)::bigint as n from ${base}`.execute(db);
  const dir = dq.order === 'desc' ? sql`desc` : sql`asc`;
  const tiebreak = columns
    .filter((c) => c.key !== sortKey)
    .slice(0, 3)
    .map((c) => sql`${sql.ref(`r.${c.key}`)} asc nulls last`);
  const rows = await sql<Record<string, unknown>>`
    select ${sql.join(columns.map((c) => sql.ref(`r.${c.key}`)))} from ${base}
    order by ${sql.ref(`r.${sortKey}`)} ${dir} nulls last${tiebreak.length ? sql`, ${sql.join(tiebreak)}` : sql``}
    limit ${dq.pageSize} offset ${(dq.page - 1) * dq.pageSize}`.execute(db);

  const revealed = dq.reveal && can(actor, 'pii:reveal') && columns.some((c) => c.pii);
  if (dq.reveal && !can(actor, 'pii:reveal')) {
    throw new Forbidden('您的角色不能查看完整个人信息', 'your role cannot reveal personal data', {
      permission: 'pii:reveal',
    });
  }
  if (revealed) {
    await recordAudit(db, {
      actor: actor.username,
      action: 'reveal',
      entity: 'metric_drill',
      entityId: p.def.info.id,
      county: p.sq.county,
      detail: {
        query: q,
        row: dq.row,
        side: dq.side,
        page: dq.page,
        subscribers: rows.rows.map((r) => r.subscriber_id ?? null),
      },
      ip: opts.ip ?? null,
    });
  }
  const masked = revealed
    ? rows.rows
    : rows.rows.map((r) => {
        const out = { ...r };
        for (const c of columns) {
          const v = out[c.key];
          if (!c.pii || typeof v !== 'string') continue;
          out[c.key] =
            c.pii === 'name' ? maskName(v) : c.pii === 'id_number' ? maskIdNumber(v) : maskPhone(v);
        }
        return out;
      });
  return { metric: p.def.info.id, columns, rows: masked, total: Number(totalRow.rows[0]?.n ?? 0), revealed };
}
