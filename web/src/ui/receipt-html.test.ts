import { describe, expect, it } from 'vitest';
import { isReceiptNumber, receiptBody } from './receipt-html';

const page = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Reçu S4-000034</title>
<style>body{color:red}</style></head><body><main class="receipt"><header><h1>Comptoir</h1><p>Mile End</p>
<p>TPS : 123456789 RT0001</p></header><table class="totals"><tr class="total"><td>TOTAL</td><td class="amount">62,40</td></tr></table>
<footer><svg class="barcode" xmlns="http://www.w3.org/2000/svg" aria-label="Code 128 S4-000034"><rect x="10" width="2" height="30"/></svg>
<p onclick="alert(1)" style="color:red">S4-000034</p><script>alert(2)</script></footer></main></body></html>`;

describe('receiptBody', () => {
  it('keeps the receipt and its barcode, not the page around it', () => {
    const body = receiptBody(page);
    expect(body).toContain('<h1>Comptoir</h1>');
    expect(body).toContain('TPS : 123456789 RT0001');
    expect(body).toContain('<td class="amount">62,40</td>');
    expect(body).toContain('aria-label="Code 128 S4-000034"');
    expect(body).not.toContain('<style');
    expect(body).not.toContain('<title');
  });
  it('drops scripts, handlers and inline styles', () => {
    const body = receiptBody(page);
    expect(body).not.toContain('<script');
    expect(body).not.toContain('onclick');
    expect(body).not.toContain('style=');
    expect(body).toContain('<p>S4-000034</p>');
  });
  it('is empty for anything that is not a receipt', () => {
    expect(receiptBody('<p>Bonjour</p>')).toBe('');
    expect(receiptBody('')).toBe('');
  });
});

describe('isReceiptNumber', () => {
  it('takes what sales numbers look like', () => {
    expect(isReceiptNumber('S4-000034')).toBe(true);
    expect(isReceiptNumber(' S12-000001 ')).toBe(true);
    expect(isReceiptNumber('4-000034')).toBe(false);
    expect(isReceiptNumber('S4-34')).toBe(false);
    expect(isReceiptNumber('S4-000034; DROP')).toBe(false);
  });
});
