import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export type LockInfo = { pid: number; port: number | null; host: string | null; token: string; kind: 'server' | 'cli' };

const lockPath = (dataDir: string) => path.join(dataDir, 'marketops.lock');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function readLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export class LockedError extends Error {
  constructor(readonly holder: LockInfo) {
    super(
      holder.kind === 'server'
        ? `the data directory is in use by a MarketOps server (pid ${holder.pid}, port ${holder.port})`
        : `the data directory is in use by another marketops command (pid ${holder.pid})`,
    );
  }
}

/**
 * Take the exclusive lock on an embedded data directory. PGlite does not lock its files, and two
 * processes writing one directory silently lose commits, so every opener goes through here.
 * A lock left by a dead process is taken over.
 */
export function acquireLock(dataDir: string, kind: LockInfo['kind']): { info: LockInfo; release(): void; update(p: Partial<LockInfo>): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, port: null, host: null, token: crypto.randomBytes(24).toString('hex'), kind };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (cur.pid === process.pid && cur.token === info.token) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return {
        info,
        release,
        update(p) {
          Object.assign(info, p);
          fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder) throw new LockedError(holder);
      // stale: its owner is gone
      try {
        fs.unlinkSync(file);
      } catch {
        /* raced with another opener */
      }
    }
  }
  const holder = readLock(dataDir);
  if (holder) throw new LockedError(holder);
  throw new Error(`could not lock ${dataDir}`);
}
