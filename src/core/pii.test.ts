import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './pii.js';

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三明', '张*明'],
    ['欧阳娜娜', '欧**娜'],
    ['李', '*'],
    ['', ''],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['110101199001011234', '110***********1234'],
    ['11010119900101123X', '110***********123X'],
    ['1234567', '*******'],
    ['12345678', '123*5678'],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(maskIdNumber(input)).toBe(expected);
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['07558888999', '075****8999'],
    ['88886666', '****6666'],
    ['1234', '****'],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});
