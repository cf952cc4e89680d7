import { sql, type Kysely } from 'kysely';

// Plans (计划): versions of a year's target per metric and product line (null = all products), the
// county annual and month values of each version, the city's province rank entered by hand, and the
// monthly review (月度分析) with its agreed actions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table plan_versions (
      plan_id bigserial primary key,
      year integer not null check (year between 1900 and 2999),
      metric text not null check (metric in ('revenue','new_installs','net_adds')),
      product_code text references products,
      version_no integer not null check (version_no > 0),
      status text not null check (status in ('draft','published')),
      annual bigint not null,
      weights jsonb not null,
      distribution jsonb not null,
      revision_mode text not null default 'all' check (revision_mode in ('all','remaining')),
      from_month integer not null default 1 check (from_month between 1 and 12),
      based_on bigint references plan_versions,
      note text,
      created_by text not null,
      created_at timestamptz not null default now(),
      published_by text,
      published_at timestamptz,
      check ((status = 'published') = (published_at is not null))
    );
    create unique index plan_versions_key on plan_versions (year, metric, coalesce(product_code, ''), version_no);

    create table plan_values (
      plan_id bigint not null references plan_versions on delete cascade,
      county_code text not null references counties,
      annual bigint not null,
      m1 bigint not null, m2 bigint not null, m3 bigint not null, m4 bigint not null,
      m5 bigint not null, m6 bigint not null, m7 bigint not null, m8 bigint not null,
      m9 bigint not null, m10 bigint not null, m11 bigint not null, m12 bigint not null,
      primary key (plan_id, county_code),
      check (annual = m1 + m2 + m3 + m4 + m5 + m6 + m7 + m8 + m9 + m10 + m11 + m12)
    );

    create table plan_province_ranks (
      year integer not null,
      month integer not null check (month between 1 and 12),
      metric text not null,
      rank integer not null check (rank > 0),
      of_total integer check (of_total > 0),
      note text,
      entered_by text not null,
      entered_at timestamptz not null default now(),
      primary key (year, month, metric)
    );

    create table plan_reviews (
      review_id bigserial primary key,
      year integer not null,
      month integer not null check (month between 1 and 12),
      metric text not null check (metric in ('revenue','new_installs','net_adds')),
      county_code text not null references counties,
      reason_category text not null,
      reason_text text not null default '',
      created_by text not null,
      created_at timestamptz not null default now()
    );
    create index plan_reviews_month on plan_reviews (year, month, county_code);

    create table plan_review_actions (
      action_id bigserial primary key,
      review_id bigint not null references plan_reviews on delete cascade,
      action text not null,
      owner text not null,
      due_date date not null,
      status text not null default 'open' check (status in ('open','done','dropped')),
      follow_up text not null default '',
      updated_by text,
      updated_at timestamptz not null default now()
    );
    create index plan_review_actions_review on plan_review_actions (review_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table plan_review_actions, plan_reviews, plan_province_ranks, plan_values, plan_versions`.execute(
    db,
  );
}
