import { sql, type Kysely } from 'kysely';

// Daily follow-up items (逐户核查). An item is keyed by (subscriber, reason, dedupe_key) where the
// dedupe key is what makes the case distinct (the stop order, the contract, the month), so generating a
// list again never duplicates an item and an open item carries over to the next days until closed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table followup_items (
      item_id bigserial primary key,
      list_date date not null,
      subscriber_id text not null references subscribers,
      county_code text not null references counties,
      reason text not null check (reason in ('single_stop','dual_stop','zero_fee','contract_ending','arrears')),
      dedupe_key text not null,
      figures jsonb not null default '{}',
      assignee text,
      status text not null default 'open' check (status in ('open','closed')),
      outcome text check (outcome in ('contacted','promised','paid','renewed','disconnected','unreachable','wrong_data')),
      note text,
      outcome_at timestamptz,
      outcome_by text,
      closed_at timestamptz,
      closed_by text,
      auto_close jsonb,
      created_at timestamptz not null default now(),
      unique (subscriber_id, reason, dedupe_key)
    );
    create index followup_items_county_date on followup_items (county_code, list_date);
    create index followup_items_open on followup_items (subscriber_id) where status = 'open';
    create index followup_items_assignee on followup_items (assignee, list_date);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table followup_items`.execute(db);
}
