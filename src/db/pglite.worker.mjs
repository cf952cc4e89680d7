// The embedded database lives in this worker thread, so a long query never blocks the HTTP server's
// event loop. Plain JavaScript on purpose: it loads without any TypeScript loader, in tests too.
// Protocol: the parent posts {id, op, ...}; the worker answers {id, ok, result} or {id, ok:false, error}.
// Requests are handled strictly one at a time (PGlite is a single connection).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

const int8 = (x) => {
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : x;
};
const parsers = {
  [INT8]: int8,
  [NUMERIC]: (x) => x,
  [DATE]: (x) => x,
  [TIMESTAMPTZ]: (x) => x,
  [TIMESTAMP]: (x) => x,
};

/** @type {PGlite | undefined} */
let pg;
let queue = Promise.resolve();

// PostgreSQL's default 128 MB of shared buffers is WebAssembly memory that stays resident in this
// process; the data files are cached by the OS anyway. MARKETOPS_PGLITE_SHARED_BUFFERS overrides.
const SHARED_BUFFERS = process.env.MARKETOPS_PGLITE_SHARED_BUFFERS || '32MB';

async function open() {
  const opts = { parsers, relaxedDurability: false };
  if (Array.isArray(PGlite.defaultStartParams)) {
    opts.startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`];
  }
  if (workerData.loadDataDir) opts.loadDataDir = new Blob([workerData.loadDataDir]);
  pg = workerData.dataDir ? await PGlite.create(workerData.dataDir, opts) : await PGlite.create(opts);
  await pg.exec("SET TIME ZONE 'Asia/Shanghai'; SET datestyle TO ISO, YMD;");
}

function errorOf(e) {
  return {
    message: e?.message ?? String(e),
    code: e?.code,
    detail: e?.detail,
    constraint: e?.constraint,
    table: e?.table,
    column: e?.column,
  };
}

async function handle(msg) {
  switch (msg.op) {
    case 'query': {
      const params = msg.params ?? [];
      if (params.length === 0 && !msg.blob) {
        // simple protocol, like node-postgres without parameters: allows several statements
        const all = await pg.exec(msg.sql);
        const r = all[all.length - 1] ?? { rows: [], affectedRows: 0 };
        return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
      }
      const opts = msg.blob ? { blob: new Blob([msg.blob]) } : undefined;
      const r = await pg.query(msg.sql, params, opts);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    }
    case 'exec': {
      await pg.exec(msg.sql);
      return null;
    }
    case 'dump': {
      const file = await pg.dumpDataDir('gzip');
      return new Uint8Array(await file.arrayBuffer());
    }
    case 'close': {
      await pg.close();
      return null;
    }
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

const ready = open();

parentPort.on('message', (msg) => {
  queue = queue.then(async () => {
    try {
      await ready;
      const result = await handle(msg);
      parentPort.postMessage({ id: msg.id, ok: true, result });
    } catch (e) {
      parentPort.postMessage({ id: msg.id, ok: false, error: errorOf(e) });
    }
  });
});

ready.then(
  () => parentPort.postMessage({ id: 0, ok: true, result: 'ready' }),
  (e) => parentPort.postMessage({ id: 0, ok: false, error: errorOf(e) }),
);
