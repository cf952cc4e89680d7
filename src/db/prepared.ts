import { sql, type RawBuilder } from 'kysely';

/**
 * Put at the start of a statement that is run again and again with different parameters and whose
 * plan does not depend on them (a small read of the aggregates): the embedded engine then parses it
 * once as a named prepared statement and afterwards only binds and executes it
 * (src/db/pglite-prepared.mjs, which matches this text). A comment to PostgreSQL, which ignores it.
 */
export const PREPARE_MARK = '/* prepare */';

/** The statement `body` marked for the prepared path. */
export const prepared = (body: RawBuilder<unknown>): RawBuilder<unknown> =>
  sql`${sql.raw(PREPARE_MARK)} ${body}`;
