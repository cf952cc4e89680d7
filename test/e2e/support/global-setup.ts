import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServe, type Served } from '../../support/cli.js';

let served: Served | undefined;
let dir: string | undefined;

/**
 * One real server for the browser tests: `marketops demo start` on a fresh embedded database, which
 * generates a small demo city and loads it through the import pipeline, with the demo users.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mo-e2e-'));
  served = await startServe({
    cwd: dir,
    command: ['demo', 'start', '--port', '0', '--subscribers', process.env.E2E_SUBSCRIBERS ?? '1500'],
    timeoutMs: 600_000,
  });
  project.provide('baseUrl', served.url);
  project.provide('workDir', dir);
  return async () => {
    await served?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    workDir: string;
  }
}
