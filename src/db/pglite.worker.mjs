// The embedded database lives in this worker thread, so a long query never blocks the HTTP server's
// event loop. Plain JavaScript on purpose: it loads without any TypeScript loader, in tests too.
// Protocol: the parent posts {id, op, ...}; the worker answers {id, ok, result} or {id, ok:false, error}.
// Requests are handled strictly one at a time (PGlite is a single connection).
import { parentPort, resourceLimits, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { PreparedStatements } from './pglite-prepared.mjs';

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
/** @type {PreparedStatements | undefined} */
let prepared;
let queue = Promise.resolve();

// PostgreSQL's default 128 MB of shared buffers is WebAssembly memory that stays resident in this
// process; the data files are cached by the OS anyway (PGlite reads them through node:fs). Measured on
// 1M-row imports (subscribers, bills, payments): peak RSS 412 MiB with 32MB, 403 with 16MB, 389 with
// 8MB, at the same rows/s and the same metrics-refresh time. MARKETOPS_PGLITE_SHARED_BUFFERS overrides.
const SHARED_BUFFERS = process.env.MARKETOPS_PGLITE_SHARED_BUFFERS || '8MB';

// By default V8 compiles PGlite's 9 MB of WebAssembly twice: first with its baseline compiler
// (Liftoff), then again with the optimizing one (TurboFan) for every function that turns hot, in
// background threads whose compiler memory stays in this process's malloc arenas. Compiling with
// TurboFan only skips the first tier and that churn. Measured (npm run bench:import, 1M rows a file,
// PGlite): peak RSS 348 MiB instead of 379–419, and the imports no slower (payments 72k rows/s instead
// of 52–67k); right after migrating, 215 MiB instead of 266–291. The flags are the process's (the
// worker shares V8 with the main thread) and apply to modules compiled after this line: PGlite
// compiles its module in open(). MARKETOPS_PGLITE_V8_FLAGS overrides ('' keeps V8's defaults).
const V8_FLAGS = process.env.MARKETOPS_PGLITE_V8_FLAGS ?? '--no-liftoff';
if (V8_FLAGS) v8.setFlagsFromString(V8_FLAGS);

async function open() {
  const opts = { parsers, relaxedDurability: false };
  if (Array.isArray(PGlite.defaultStartParams)) {
    opts.startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`];
  }
  if (workerData.loadDataDir) opts.loadDataDir = new Blob([workerData.loadDataDir]);
  pg = workerData.dataDir ? await PGlite.create(workerData.dataDir, opts) : await PGlite.create(opts);
  await pg.exec("SET TIME ZONE 'Asia/Shanghai'; SET datestyle TO ISO, YMD;");
  prepared = new PreparedStatements(pg);
}

/**
 * The COPY payload as the Blob PGlite asks for, without copying it into one. A real Blob keeps its
 * bytes in native memory that the garbage collector does not count: this thread allocates little, so
 * it rarely collects, and at city scale the blobs of every chunk staged so far stayed resident (RSS
 * grew by the size of the file, ~140 MB for 1M subscribers). PGlite only reads the blob through
 * arrayBuffer() (_handleBlob), so an empty Blob answering with the transferred bytes is enough; they
 * are ordinary ArrayBuffer memory, released as soon as the statement is done with them.
 */
function blobOf(bytes) {
  const blob = new Blob([]);
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  Object.defineProperties(blob, {
    size: { value: bytes.byteLength },
    arrayBuffer: { value: async () => buffer },
  });
  return blob;
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
      if (!msg.blob && prepared.handles(msg.sql, params)) return prepared.query(msg.sql, params);
      if (params.length === 0 && !msg.blob) {
        // simple protocol, like node-postgres without parameters: allows several statements
        const all = await pg.exec(msg.sql);
        const r = all[all.length - 1] ?? { rows: [], affectedRows: 0 };
        return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
      }
      const opts = msg.blob ? { blob: blobOf(msg.blob) } : undefined;
      const r = await pg.query(msg.sql, params, opts);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    }
    case 'exec': {
      await pg.exec(msg.sql);
      return null;
    }
    case 'memory': {
      // the WebAssembly memory only grows: its size now is the most the engine has held since it opened
      const wasm = pg.mod?.wasmMemory?.buffer.byteLength ?? 0;
      return {
        wasmBytes: wasm,
        workerHeapBytes: process.memoryUsage().heapTotal,
        youngGenerationMb: resourceLimits.maxYoungGenerationSizeMb ?? 0,
        v8Flags: V8_FLAGS,
      };
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
