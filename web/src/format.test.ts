import { describe, expect, it } from 'vitest';
import { day, fold, money, moneyInput, parseMoney, percent } from './format';

const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('money', () => {
  it('formats cents the French-Canadian way', () => {
    expect(plain(money(1299))).toBe('12,99 $');
    expect(plain(money(5))).toBe('0,05 $');
    expect(plain(money(0))).toBe('0,00 $');
    expect(plain(money(129999))).toBe('1 299,99 $');
    expect(plain(money(123456789))).toBe('1 234 567,89 $');
    expect(plain(money(-31730))).toBe('-317,30 $');
  });
  it('keeps the amount and the dollar sign on one line', () => {
    expect(money(1299)).toBe('12,99\u00a0$');
  });
  it('refuses what is not an integer amount of cents', () => {
    expect(money(12.5)).toBe('—');
    expect(money(Number.NaN)).toBe('—');
  });
});

describe('parseMoney', () => {
  it('reads what people type, exactly', () => {
    expect(parseMoney('12,99')).toBe(1299);
    expect(parseMoney('12.99')).toBe(1299);
    expect(parseMoney('0,1')).toBe(10);
    expect(parseMoney(' 1 299,99 $ ')).toBe(129999);
    expect(parseMoney('19')).toBe(1900);
    // 0.29 * 100 is 28.999999999999996 in floating point: the parser never goes through it.
    expect(parseMoney('0,29')).toBe(29);
  });
  it('refuses the rest', () => {
    for (const bad of ['', 'abc', '12,999', '-3', '1,2,3', '12e3']) expect(parseMoney(bad)).toBeNull();
  });
  it('is the inverse of moneyInput', () => {
    for (const cents of [0, 1, 99, 1299, 129999]) expect(parseMoney(moneyInput(cents))).toBe(cents);
  });
});

describe('percent, day, fold', () => {
  it('shows a trend with its sign', () => {
    expect(plain(percent(2.84))).toBe('+2,8 %');
    expect(plain(percent(-1))).toBe('-1,0 %');
    expect(percent(null)).toBe('—');
  });
  it('names a business day', () => {
    expect(day('2026-11-25')).toMatch(/25/);
  });
  it('folds accents and case', () => {
    expect(fold('Thé Vert')).toBe('the vert');
    expect(fold('CAFÉ')).toBe('cafe');
  });
});
