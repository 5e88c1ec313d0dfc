import { describe, expect, it } from 'vitest';
import { allowed, SECTIONS, type Section } from './shared';

const open = (role: 'cashier' | 'logistics' | 'manager' | 'admin') =>
  (Object.keys(SECTIONS) as Section[]).filter((s) => allowed(s, role));

describe('who opens which screen', () => {
  it('keeps head-office screens from cashiers and logistics', () => {
    expect(open('cashier')).toEqual(['stock', 'restock', 'transfers', 'sales', 'registers', 'giftCards', 'password']);
    expect(open('logistics')).toEqual(['stock', 'restock', 'transfers', 'counts', 'onlineOrders', 'password']);
    expect(open('manager')).toEqual(['dashboard', 'products', 'promotions', 'stock', 'restock', 'transfers', 'counts', 'sales', 'registers', 'giftCards', 'onlineOrders', 'operations', 'password']);
    expect(open('admin')).toContain('operations');
    expect(open('admin')).toContain('staff');
    expect(allowed('counts', 'cashier')).toBe(false); // counts are stock keepers' (ADR 0172)
    expect(allowed('dashboard', null)).toBe(false);
    expect(allowed('giftCards', 'logistics')).toBe(false); // balances and cards are the sellers' (ADR 0152)
  });
});
