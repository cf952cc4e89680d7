import { AppError } from '../../core/errors.js';

export class TooManySignIns extends AppError {
  readonly code = 'rate_limited';
  readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super(
      `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`,
      `Too many failed sign-ins; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
      { retryAfterSeconds },
    );
  }
}

export type LoginLimiterOptions = {
  windowMs: number;
  /** failures allowed per username + address pair */
  perPair: number;
  /** failures allowed per address, whatever the username */
  perAddress: number;
  now?: () => number;
};

export const defaultLoginLimits: LoginLimiterOptions = { windowMs: 15 * 60_000, perPair: 10, perAddress: 50 };

/**
 * Counts FAILED sign-ins in a sliding window, per username+address and per address, in memory. Only
 * failures count, so many different users signing in from one address (an office NAT, a test) pass.
 * One process serves the app, so in-memory state is the whole truth; a restart forgets it.
 */
export function createLoginLimiter(opts: LoginLimiterOptions = defaultLoginLimits) {
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();

  const recent = (key: string): number[] => {
    const cutoff = now() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const pairKey = (username: string, ip: string) => `u:${username.toLowerCase()}|${ip}`;
  const ipKey = (ip: string) => `a:${ip}`;
  const retryAfter = (list: number[]) =>
    Math.max(1, Math.ceil(((list[0] ?? now()) + opts.windowMs - now()) / 1000));

  return {
    /** Throws TooManySignIns when this attempt may not even be tried. */
    check(username: string, ip: string): void {
      const pair = recent(pairKey(username, ip));
      if (pair.length >= opts.perPair) throw new TooManySignIns(retryAfter(pair));
      const addr = recent(ipKey(ip));
      if (addr.length >= opts.perAddress) throw new TooManySignIns(retryAfter(addr));
    },
    fail(username: string, ip: string): void {
      const t = now();
      for (const k of [pairKey(username, ip), ipKey(ip)]) failures.set(k, [...recent(k), t]);
    },
    /** A success clears the pair's failures (not the address's). */
    succeed(username: string, ip: string): void {
      failures.delete(pairKey(username, ip));
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
