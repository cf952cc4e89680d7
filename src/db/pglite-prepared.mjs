// Named prepared statements for the embedded database (used by pglite.worker.mjs; plain JavaScript
// like the worker). PGlite's query() parses and plans every statement afresh through the unnamed
// statement; for a small statement run again and again (a metric answered from the aggregates) the
// parse and plan are most of its cost (~0.5 of ~0.9 ms). A statement whose text starts with
// PREPARE_MARK is parsed once under a name and then only bound and executed — PostgreSQL's plan cache
// decides between custom and generic plans as it does for any prepared statement, and replans when a
// table it reads changes. Opt-in: a big query whose best plan depends on its parameters stays unnamed.
import { parse, protocol } from '@electric-sql/pglite';

/** The text a statement starts with to be prepared (kept in sync with src/db/prepared.ts). */
export const PREPARE_MARK = '/* prepare */';

// PostgreSQL's "cached plan must not change result type": a table changed shape under a statement
const PLAN_CHANGED = '0A000';

const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Parameters the prepared path sends as text; anything else goes the ordinary way. */
const plain = (v) => v === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof v);

export class PreparedStatements {
  /** @param {import('@electric-sql/pglite').PGlite} pg */
  constructor(pg, max = 200) {
    this.pg = pg;
    this.max = max;
    /** text → name, in least-recently-used order (a Map keeps insertion order) */
    this.names = new Map();
    this.seq = 0;
  }

  /** True when this statement takes the prepared path. */
  handles(text, params) {
    return text.startsWith(PREPARE_MARK) && params.every(plain);
  }

  /** Runs a statement the prepared path handles; the answer is shaped like PGlite's query(). */
  async query(text, params) {
    try {
      return await this.#run(text, params);
    } catch (e) {
      if (e?.code !== PLAN_CHANGED) throw e;
      await this.#forget(text);
      return this.#run(text, params);
    }
  }

  async #run(text, params) {
    let name = this.names.get(text);
    const parts = [];
    if (name === undefined) {
      name = `mo_prepared_${++this.seq}`;
      parts.push(protocol.serialize.parse({ name, text }));
    } else this.names.delete(text); // re-inserted below: most recently used
    const values = params.map((v) => (v === null ? null : String(v)));
    parts.push(
      protocol.serialize.bind({ statement: name, values }),
      protocol.serialize.describe({ type: 'P' }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    );
    let r;
    try {
      r = await this.pg.execProtocol(concat(parts));
    } catch (e) {
      // the name may or may not exist now (parse or bind failed): close it, unknown names are no error
      await this.#close(name);
      throw e;
    }
    this.names.set(text, name);
    if (this.names.size > this.max) {
      const [oldest] = this.names.keys();
      await this.#forget(oldest);
    }
    const [result] = parse.parseResults(r.messages, this.pg.parsers);
    return { rows: result?.rows ?? [], affectedRows: result?.affectedRows ?? 0 };
  }

  async #forget(text) {
    const name = this.names.get(text);
    this.names.delete(text);
    if (name !== undefined) await this.#close(name);
  }

  async #close(name) {
    try {
      await this.pg.execProtocol(
        concat([protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()]),
      );
    } catch {
      // nothing to undo: the statement was never made, or the session is failing anyway
    }
  }
}
