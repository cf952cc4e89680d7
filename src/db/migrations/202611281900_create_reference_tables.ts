import { sql, type Kysely } from 'kysely';

// Reference datasets of the data contract. Every imported table carries batch_id: the batch that last wrote the row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_batches (
      batch_id bigserial primary key,
      dataset text not null,
      file_name text not null,
      file_hash text not null,
      actor text not null,
      status text not null check (status in ('running','imported','partial','rejected','undone')),
      allow_partial boolean not null default false,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      duration_ms integer,
      rows_read integer not null default 0,
      rows_inserted integer not null default 0,
      rows_updated integer not null default 0,
      rows_unchanged integer not null default 0,
      rows_rejected integer not null default 0,
      unknown_columns jsonb not null default '[]',
      errors jsonb not null default '[]',
      undone_at timestamptz,
      undone_by text
    );
    create index import_batches_dataset_hash on import_batches (dataset, file_hash);

    create table counties (
      county_code text primary key,
      county_name text not null,
      households bigint,
      population bigint,
      batch_id bigint references import_batches
    );
    create table outlets (
      outlet_code text primary key,
      outlet_name text not null,
      county_code text not null references counties,
      batch_id bigint references import_batches
    );
    create index outlets_county on outlets (county_code);
    create table products (
      product_code text primary key,
      product_name text not null,
      needs_terminal boolean not null default false,
      needs_deposit boolean not null default false,
      batch_id bigint references import_batches
    );
    create table packages (
      package_code text primary key,
      package_name text not null,
      product_code text not null references products,
      monthly_fee bigint not null check (monthly_fee >= 0),
      billing text not null check (billing in ('monthly','prepaid','usage')),
      term_months integer check (term_months > 0),
      batch_id bigint references import_batches
    );
    create table warehouses (
      warehouse_code text primary key,
      warehouse_name text not null,
      county_code text references counties,
      batch_id bigint references import_batches
    );
    create table items (
      item_code text primary key,
      item_name text not null,
      unit text,
      serialized boolean not null,
      product_code text references products,
      batch_id bigint references import_batches
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table items, warehouses, packages, products, outlets, counties, import_batches`.execute(db);
}
