import { Worker } from 'node:worker_threads';

export type WorkerError = {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
};

/** An error raised by the embedded database, shaped like a `pg` DatabaseError (code, detail, constraint). */
export class EmbeddedDbError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
  constructor(e: WorkerError) {
    super(e.message);
    Object.assign(this, e);
  }
}

/**
 * The worker's young generation. Inside one long statement the engine's file I/O (PGlite's NODEFS
 * calls) leaves small garbage on every page read and written; with V8's default young generation
 * (semi-spaces of up to 16 MB) that garbage took ~30 MB of RSS in a saw-tooth while a 1M-row batch was
 * applied. Objects here are short-lived (messages, result rows), so a small young generation costs
 * nothing measurable (1M-row imports: same rows/s).
 */
export const WORKER_YOUNG_GENERATION_MB = 4;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export type EmbeddedMemory = {
  /** the engine's WebAssembly memory (never shrinks: the most it has held since it opened) */
  wasmBytes: number;
  /** the worker thread's V8 heap */
  workerHeapBytes: number;
  /** the worker's young-generation limit as the worker sees it */
  youngGenerationMb: number;
  /** the V8 flags the worker set before compiling PGlite's WebAssembly (MARKETOPS_PGLITE_V8_FLAGS) */
  v8Flags: string;
};

export type QueryResult = { rows: Record<string, unknown>[]; affectedRows: number };

/**
 * The parent side of the PGlite worker: posts requests, resolves answers in order, and knows at every
 * moment whether the database is busy (for /api/health, which must never queue behind a query).
 */
export class PgliteWorkerClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private inFlight = 0;
  private busySinceMs: number | null = null;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(opts: { dataDir?: string; loadDataDir?: Uint8Array }) {
    this.worker = new Worker(new URL('./pglite.worker.mjs', import.meta.url), {
      workerData: { dataDir: opts.dataDir, loadDataDir: opts.loadDataDir },
      // tsx / vitest loaders are not needed inside: the worker is plain JavaScript.
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.worker.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: WorkerError }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.id !== 0) this.finished();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new EmbeddedDbError(msg.error ?? { message: 'unknown error' }));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`embedded database worker exited with code ${code}`));
    });
  }

  private failAll(e: Error) {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private finished() {
    this.inFlight -= 1;
    this.busySinceMs = this.inFlight > 0 ? Date.now() : null;
  }

  private request<T>(msg: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('embedded database is closed'));
    const id = this.nextId++;
    this.inFlight += 1;
    if (this.busySinceMs === null) this.busySinceMs = Date.now();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer ?? []);
    });
  }

  query(sql: string, params: readonly unknown[] = [], blob?: Uint8Array): Promise<QueryResult> {
    // the COPY payload is handed over, not cloned (callers pass a fresh buffer they do not reuse)
    const whole = blob !== undefined && blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength;
    return this.request({ op: 'query', sql, params, blob }, whole ? [blob.buffer as ArrayBuffer] : undefined);
  }

  exec(sql: string): Promise<void> {
    return this.request({ op: 'exec', sql });
  }

  /** Memory held by the engine: its WebAssembly memory (which never shrinks) and the worker's V8 heap. */
  memory(): Promise<EmbeddedMemory> {
    return this.request({ op: 'memory' });
  }

  dump(): Promise<Uint8Array> {
    return this.request({ op: 'dump' });
  }

  /** Busy state without asking the worker. */
  state(): { busy: boolean; busyMs: number; queued: number } {
    return {
      busy: this.inFlight > 0,
      busyMs: this.busySinceMs === null ? 0 : Date.now() - this.busySinceMs,
      queued: Math.max(0, this.inFlight - 1),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.request({ op: 'close' });
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }
}
