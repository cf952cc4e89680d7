import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The one scheduler of the app: a thin wrapper over croner. Jobs run in Asia/Shanghai time, never
 * overlap themselves, log their start and end, and (when a database is given) record each run in
 * `scheduler_runs`. A failing job is logged and recorded; it never takes the process down.
 */
export type SchedulerLog = { info(msg: string): void; error(msg: string): void };
export type JobFn = () => Promise<string | void>;
export type JobRun = {
  job: string;
  trigger: 'schedule' | 'manual';
  status: 'ok' | 'failed';
  message: string | null;
};

export type Scheduler = {
  /** Register a job on a cron pattern (5 or 6 fields, croner syntax). Names are unique. */
  add(name: string, cron: string, job: JobFn): void;
  /** Run a job now (awaits it); returns how it went. */
  runNow(name: string): Promise<JobRun>;
  /** Names and next run times. */
  list(): { name: string; cron: string; next: string | null }[];
  /** Stop every job; no further runs start. */
  stop(): void;
};

const silent: SchedulerLog = { info: () => undefined, error: () => undefined };

export function createScheduler(
  opts: { db?: Kysely<DB>; log?: SchedulerLog; timezone?: string } = {},
): Scheduler {
  const log = opts.log ?? silent;
  const jobs = new Map<string, { cron: string; fn: JobFn; timer: Cron; running: Promise<JobRun> | null }>();
  let stopped = false;

  async function record(name: string, trigger: JobRun['trigger'], fn: JobFn): Promise<JobRun> {
    log.info(`job ${name} started (${trigger})`);
    let runId: number | null = null;
    if (opts.db) {
      const r = await opts.db
        .insertInto('scheduler_runs')
        .values({ job: name, trigger, status: 'running', message: null })
        .returning('run_id')
        .executeTakeFirst();
      runId = r ? Number(r.run_id) : null;
    }
    let run: JobRun;
    try {
      const msg = await fn();
      run = { job: name, trigger, status: 'ok', message: msg ?? null };
      log.info(`job ${name} finished${msg ? `: ${msg}` : ''}`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      run = { job: name, trigger, status: 'failed', message: msg };
      log.error(`job ${name} failed: ${msg}`);
    }
    if (opts.db && runId !== null) {
      await opts.db
        .updateTable('scheduler_runs')
        .set({ status: run.status, message: run.message, finished_at: new Date() })
        .where('run_id', '=', runId)
        .execute();
    }
    return run;
  }

  function start(name: string, trigger: JobRun['trigger']): Promise<JobRun> {
    const j = jobs.get(name);
    if (!j) throw new Error(`no scheduled job named ${name}`);
    // a run still in progress is joined, not doubled
    if (j.running) return j.running;
    const p = record(name, trigger, j.fn).finally(() => {
      j.running = null;
    });
    j.running = p;
    return p;
  }

  return {
    add(name, cron, fn) {
      if (stopped) throw new Error('scheduler is stopped');
      if (jobs.has(name)) throw new Error(`job ${name} is already scheduled`);
      const timer = new Cron(cron, { timezone: opts.timezone ?? 'Asia/Shanghai' }, () => {
        void start(name, 'schedule');
      });
      jobs.set(name, { cron, fn, timer, running: null });
    },
    runNow: (name) => start(name, 'manual'),
    list: () =>
      [...jobs.entries()].map(([name, j]) => ({
        name,
        cron: j.cron,
        next: j.timer.nextRun()?.toISOString() ?? null,
      })),
    stop() {
      stopped = true;
      for (const j of jobs.values()) j.timer.stop();
    },
  };
}
