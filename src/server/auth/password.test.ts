import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { createLoginLimiter } from './login-limiter.js';

describe('password policy', () => {
  it.each([
    ['abcdefgh12', true],
    ['abc123', false], // too short
    ['abcdefghij', false], // letters only, < 14
    ['1234567890123', false], // digits only, < 14
    ['aaaaaaaaaaaaaa', true], // 14 of anything
    [DEMO_PASSWORD, true],
    ['密码密码密码密码12', true], // CJK letters count as letters
    ['alice12345', false], // equals the username
  ])('%s → acceptable: %s', (password, ok) => {
    expect(passwordProblem('alice12345', password) === null).toBe(ok);
  });
});

describe('argon2', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('abcdefgh12');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(h, 'abcdefgh12')).toBe(true);
    expect(await verifyPassword(h, 'abcdefgh13')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'abcdefgh12')).toBe(false);
  });
});

describe('login limiter', () => {
  it('counts failures per username+address and per address in a sliding window', () => {
    let now = 0;
    const l = createLoginLimiter({ windowMs: 1000, perPair: 2, perAddress: 3, now: () => now });
    l.fail('a', 'ip1');
    l.fail('a', 'ip1');
    expect(() => l.check('a', 'ip1')).toThrow(/Too many failed sign-ins/);
    expect(() => l.check('b', 'ip1')).not.toThrow();
    l.fail('b', 'ip1');
    // three failures from ip1 in the window: every username is held back there, not elsewhere
    expect(() => l.check('c', 'ip1')).toThrow();
    expect(() => l.check('a', 'ip2')).not.toThrow();
    now = 1001;
    expect(() => l.check('a', 'ip1')).not.toThrow();
  });

  it('a success clears the pair', () => {
    const l = createLoginLimiter({ windowMs: 1000, perPair: 2, perAddress: 10, now: () => 0 });
    l.fail('a', 'ip1');
    l.succeed('a', 'ip1');
    l.fail('a', 'ip1');
    expect(() => l.check('a', 'ip1')).not.toThrow();
  });
});
