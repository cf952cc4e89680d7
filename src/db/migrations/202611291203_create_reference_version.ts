import { sql, type Kysely } from 'kysely';

/*
 * A counter every write to the reference tables bumps (statement-level triggers), so a process can keep
 * the reference data in memory and check it with one tiny read (src/modules/reference): every metric
 * query needs the counties, products, outlets, warehouses and items to list its groups.
 */
const TABLES = ['counties', 'products', 'packages', 'outlets', 'warehouses', 'items'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reference_version (
      id boolean primary key default true check (id),
      version bigint not null
    );
    insert into reference_version (id, version) values (true, 1);
    create function bump_reference_version() returns trigger language plpgsql as $fn$
      begin
        update reference_version set version = version + 1;
        return null;
      end $fn$;
  `.execute(db);
  for (const t of TABLES)
    await sql
      .raw(
        `create trigger ${t}_bump_reference_version after insert or update or delete or truncate on ${t}
          for each statement execute function bump_reference_version();`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) await sql.raw(`drop trigger ${t}_bump_reference_version on ${t}`).execute(db);
  await sql`drop function bump_reference_version(); drop table reference_version;`.execute(db);
}
