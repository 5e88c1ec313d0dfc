import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { errorMessage, t } from './strings';

const problem = (status: number, code: string, errors: { field: string; message: string }[] = []) =>
  new ApiError({ status, code, errors });

describe('errorMessage', () => {
  it('names the checkout failures the shopper can act on', () => {
    expect(errorMessage(problem(402, 'payment.card_declined'))).toBe(t.errors.cardDeclined);
    expect(errorMessage(problem(504, 'order.payment_timeout'))).toBe(t.errors.paymentTimeout);
    expect(errorMessage(problem(409, 'inventory.insufficient_stock'))).toBe(t.errors.insufficientStock);
    expect(errorMessage(problem(409, 'cart.insufficient_stock'))).toBe(t.errors.insufficientStock);
    expect(errorMessage(problem(422, 'order.shipping_outside_quebec'))).toBe(t.errors.outsideQuebec);
  });
  it('falls back on the status, listing the offending fields', () => {
    expect(errorMessage(problem(400, 'request.validation_failed', [{ field: 'shipping_address.postal_code', message: 'x' }]))).toBe(
      `${t.errors.validation} (shipping_address.postal_code)`,
    );
    expect(errorMessage(problem(403, 'auth.forbidden'))).toBe(t.errors.forbidden);
    expect(errorMessage(problem(503, 'db.unavailable'))).toBe(t.errors.unavailable);
    expect(errorMessage(problem(0, 'network'))).toBe(t.errors.network);
    expect(errorMessage(new Error('boom'))).toBe(t.errors.generic);
    expect(errorMessage(undefined)).toBe(t.errors.generic);
  });
  it('keeps wrong credentials apart from an expired session', () => {
    expect(errorMessage(problem(401, 'auth.invalid_credentials'))).toBe(t.errors.badCredentials);
    expect(errorMessage(problem(401, 'auth.token_expired'))).toBe(t.errors.signInAgain);
  });
});
