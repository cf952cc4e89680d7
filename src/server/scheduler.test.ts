import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from './scheduler.js';

describe('scheduler', () => {
  let s: Scheduler | null = null;
  afterEach(() => s?.stop());

  it('runs a job now, reports its message and logs it', async () => {
    const lines: string[] = [];
    s = createScheduler({ log: { info: (m) => lines.push(m), error: (m) => lines.push(`E ${m}`) } });
    let calls = 0;
    s.add('count', '0 3 * * *', async () => {
      calls += 1;
      return `call ${calls}`;
    });
    const run = await s.runNow('count');
    expect(run).toEqual({ job: 'count', trigger: 'manual', status: 'ok', message: 'call 1' });
    expect(lines).toEqual(['job count started (manual)', 'job count finished: call 1']);
  });

  it('records a failing job without throwing', async () => {
    s = createScheduler();
    s.add('boom', '0 3 * * *', () => Promise.reject(new Error('no data')));
    expect(await s.runNow('boom')).toMatchObject({ status: 'failed', message: 'no data' });
  });

  it('joins a run in progress instead of starting a second one', async () => {
    s = createScheduler();
    let calls = 0;
    let release!: () => void;
    s.add('slow', '0 3 * * *', async () => {
      calls += 1;
      await new Promise<void>((r) => (release = r));
    });
    const a = s.runNow('slow');
    const b = s.runNow('slow');
    release();
    await Promise.all([a, b]);
    expect(calls).toBe(1);
  });

  it('lists next runs, and after stop() has none and refuses new jobs', () => {
    s = createScheduler();
    s.add('daily', '30 6 * * *', async () => undefined);
    expect(s.list()[0]?.next).not.toBeNull();
    s.stop();
    expect(s.list()[0]?.next).toBeNull();
    expect(() => s?.add('other', '* * * * *', async () => undefined)).toThrow(/stopped/);
  });

  it('rejects an unknown job and a duplicate name', () => {
    s = createScheduler();
    s.add('a', '0 1 * * *', async () => undefined);
    expect(() => s?.add('a', '0 2 * * *', async () => undefined)).toThrow(/already/);
    expect(() => s?.runNow('b')).toThrow(/no scheduled job/);
  });
});
