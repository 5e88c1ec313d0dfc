import { describe, expect, it } from 'vitest';
import { barcodeProblem, gs1CheckDigit } from './barcode';

describe('barcodes (ADR 0170)', () => {
  it('computes GS1 check digits of published examples', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit('950110153100')).toBe(0); // GS1's 9501101531000
    expect(gs1CheckDigit('03600024145')).toBe(7); // UPC-A 036000241457
  });
  it('accepts EAN-13 and UPC-A and says what is wrong otherwise', () => {
    expect(barcodeProblem('4006381333931')).toBeNull();
    expect(barcodeProblem('036000241457')).toBeNull();
    expect(barcodeProblem('4006381333932')).toContain('devrait être 1');
    expect(barcodeProblem('12345')).toContain('13 chiffres');
    expect(barcodeProblem('40063813339A1')).toContain('chiffres seulement');
    expect(barcodeProblem('2100011012349')).toContain('balances');
  });
});
