import { hash, verify } from '@node-rs/argon2';
import { ValidationError } from '../../core/errors.js';

/** The password of every demo-city user; it satisfies the policy (14 characters). */
export const DEMO_PASSWORD = 'marketops-demo';

/** argon2id (the library's default algorithm) with its default cost (19 MiB, 2 passes). */
export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // a malformed stored hash is a failed sign-in, never a 500
    return false;
  }
}

/** Why a password is refused (null = acceptable): ≥ 10 characters with letters and digits, or ≥ 14 of anything. */
export function passwordProblem(username: string, password: string): { zh: string; en: string } | null {
  const n = Array.from(password).length;
  if (password.toLowerCase() === username.toLowerCase()) {
    return { zh: '密码不能与用户名相同', en: 'The password must not equal the username' };
  }
  if (n >= 14) return null;
  if (n < 10) {
    return { zh: '密码至少 10 个字符', en: 'The password must have at least 10 characters' };
  }
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
    return {
      zh: '少于 14 个字符的密码须同时包含字母和数字',
      en: 'A password shorter than 14 characters must contain letters and digits',
    };
  }
  return null;
}

export function assertPasswordPolicy(username: string, password: string): void {
  const p = passwordProblem(username, password);
  if (p) throw new ValidationError(p.zh, p.en, { field: 'password' });
}
