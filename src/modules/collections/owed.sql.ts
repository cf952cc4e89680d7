import { sql, type RawBuilder } from 'kysely';

/**
 * owed(s, m, t) of the metrics spec as one set-based select, for the per-subscriber lists the metrics
 * engine does not give (drill-downs, debtors, follow-up arrears):
 *   due  = max(0, bill + Σ adjustments with adjusted day ≤ t)
 *   paid = Σ payments for that bill month with paid day ≤ t
 *   owed = max(0, due − paid)
 * The (s, m) pairs are those with a bill or an adjustment; a payment alone never makes a debt.
 * Columns: subscriber_id, bill_month (date), due, paid, owed.
 */
export type OwedOpts = {
  cutoff: string;
  /** first day of the earliest bill month, inclusive */
  monthFrom?: string;
  /** first day of the latest bill month, inclusive */
  monthTo?: string;
  county?: string | null;
  /** only these subscribers: a select of one column of subscriber ids */
  subscribersIn?: RawBuilder<unknown>;
};

export function owedSelect(o: OwedOpts): RawBuilder<unknown> {
  const from = o.monthFrom ?? '1900-01-01';
  const to = o.monthTo ?? '2999-12-01';
  const subs = o.subscribersIn ?? null;
  const subFilter = (col: RawBuilder<unknown>) => (subs === null ? sql`true` : sql`${col} in (${subs})`);
  const countyFilter = (col: RawBuilder<unknown>) =>
    o.county
      ? sql`${col} in (select subscriber_id from subscribers where county_code = ${o.county})`
      : sql`true`;
  return sql`
    select k.subscriber_id, k.bill_month,
      greatest(0, coalesce(b.amount, 0) + coalesce(a.adj, 0))::bigint as due,
      coalesce(p.paid, 0)::bigint as paid,
      greatest(0, greatest(0, coalesce(b.amount, 0) + coalesce(a.adj, 0)) - coalesce(p.paid, 0))::bigint as owed
    from (
      select subscriber_id, bill_month from bills
        where bill_month between ${from}::date and ${to}::date
          and ${subFilter(sql.ref('bills.subscriber_id'))} and ${countyFilter(sql.ref('bills.subscriber_id'))}
      union
      select subscriber_id, bill_month from adjustments
        where bill_month between ${from}::date and ${to}::date and adjusted_day <= ${o.cutoff}::date
          and ${subFilter(sql.ref('adjustments.subscriber_id'))} and ${countyFilter(sql.ref('adjustments.subscriber_id'))}
    ) k
    left join bills b on b.subscriber_id = k.subscriber_id and b.bill_month = k.bill_month
    left join (
      select subscriber_id, bill_month, sum(amount) as adj from adjustments
        where bill_month between ${from}::date and ${to}::date and adjusted_day <= ${o.cutoff}::date
          and ${subFilter(sql.ref('adjustments.subscriber_id'))}
        group by subscriber_id, bill_month
    ) a on a.subscriber_id = k.subscriber_id and a.bill_month = k.bill_month
    left join (
      select subscriber_id, bill_month, sum(amount) as paid from payments
        where bill_month between ${from}::date and ${to}::date and paid_day <= ${o.cutoff}::date
          and ${subFilter(sql.ref('payments.subscriber_id'))}
        group by subscriber_id, bill_month
    ) p on p.subscriber_id = k.subscriber_id and p.bill_month = k.bill_month`;
}
