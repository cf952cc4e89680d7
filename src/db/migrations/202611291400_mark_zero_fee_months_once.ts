import { sql, type Kysely } from 'kysely';

/*
 * The bills trigger (202611291000) marked the zero-fee months of a batch by pairing every row with the
 * four months it reaches (generate_series) before taking the distinct ones: a 1M-row month of bills
 * hashed 4M rows, the largest cost of its COPY (measured: 2.1 s with the trigger, 1.1 s without it,
 * 1.3 s with this body). The bill months are made distinct first, then paired with the four months.
 * Same marks, same transition tables.
 */
const body = (zeroFee: (rows: string) => string) => `
  begin
    if TG_OP = 'INSERT' then ${marks('new_rows', zeroFee)}
    elsif TG_OP = 'UPDATE' then ${marks('new_rows', zeroFee)} ${marks('old_rows', zeroFee)}
    else ${marks('old_rows', zeroFee)}
    end if;
    return null;
  end`;

const marks = (r: string, zeroFee: (rows: string) => string) => `
    insert into derived_stale (family, period)
      select distinct 'metrics.bill', bill_month from ${r} on conflict do nothing;
    insert into derived_stale (family, period) ${zeroFee(r)} on conflict do nothing;`;

const distinctFirst = (r: string) => `
      select distinct 'metrics.zero_fee', (m + make_interval(months => g))::date
      from (select distinct bill_month as m from ${r}) b, generate_series(0, 3) g`;

const pairedFirst = (r: string) => `
      select distinct 'metrics.zero_fee', (bill_month + make_interval(months => g))::date
      from ${r}, generate_series(0, 3) g`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create or replace function mx_mark_bills() returns trigger language plpgsql as $fn$${body(distinctFirst)}$fn$`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create or replace function mx_mark_bills() returns trigger language plpgsql as $fn$${body(pairedFirst)}$fn$`,
    )
    .execute(db);
}
