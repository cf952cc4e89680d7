import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/marketops');

/** The child's environment: ours without the engine selection, plus the given overrides. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: undefined,
    MARKETOPS_DATA: undefined,
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** Run bin/marketops as a user would, with its own environment (no DATABASE_URL unless given). */
export function runBin(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; input?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: opts.cwd, env: childEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export type Served = {
  child: ChildProcess;
  url: string;
  port: number;
  stop(): Promise<number | null>;
  output(): string;
};

/** Start `marketops serve --port 0` and wait for its "listening" line. */
export function startServe(opts: {
  cwd: string;
  env?: Record<string, string | undefined>;
  args?: string[];
  /** the command to run instead of `serve --port 0` */
  command?: string[];
  timeoutMs?: number;
}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, opts.command ?? ['serve', '--port', '0', ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: childEnv({ LOG_LEVEL: 'warn', ...opts.env }),
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), opts.timeoutMs ?? 90_000);
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /MarketOps listening on (http:\/\/[^\s]+:(\d+))/.exec(out);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          port: Number(m[2]),
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
}
