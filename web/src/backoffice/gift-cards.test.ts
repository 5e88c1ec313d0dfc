import { describe, expect, it } from 'vitest';
import { issueAmount, MAX_GIFT_CARD_CENTS } from './gift-cards';

describe('the amount of a new gift card', () => {
  it('reads French amounts, with or without the dollar sign', () => {
    expect(issueAmount('50')).toBe(5000);
    expect(issueAmount('25,50 $')).toBe(2550);
    expect(issueAmount('0')).toBe(0);
    expect(issueAmount('5 000,00')).toBe(MAX_GIFT_CARD_CENTS);
  });
  it('refuses nothing, negatives, more than 5 000 $ and text', () => {
    for (const bad of ['', '  ', '-5', '5000,01', '10000', 'cinquante', '1,234']) expect(issueAmount(bad)).toBeNull();
  });
});
