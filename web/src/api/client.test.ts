import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_KEY, ApiError, buildUrl, call, type Credentials } from './client';

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('call', () => {
  it('sends the web app key, the token, the idempotency key and a JSON body', async () => {
    const fetch = vi.fn(async () => answer(200, { ok: true }));
    vi.stubGlobal('fetch', fetch);
    const auth: Credentials = { accessToken: () => 'tok', refresh: async () => false };
    await call('POST', '/checkout', { body: { a: 1 }, auth, idempotencyKey: 'k-1' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/checkout');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect(init.headers).toMatchObject({
      'X-API-Key': API_KEY,
      Authorization: 'Bearer tok',
      'Idempotency-Key': 'k-1',
      'Content-Type': 'application/json',
    });
  });

  it('gives a text answer as received when asked (a receipt page), and still problems as ApiError', async () => {
    const fetch = vi.fn(async () => new Response('<!DOCTYPE html><main class="receipt"></main>', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
    vi.stubGlobal('fetch', fetch);
    expect(await call<string>('GET', '/receipts/S4-000034', { query: { format: 'html' }, responseType: 'text' })).toBe(
      '<!DOCTYPE html><main class="receipt"></main>',
    );
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/receipts/S4-000034?format=html');
    expect((init.headers as Record<string, string>).Accept).toContain('text/html');
    vi.stubGlobal('fetch', async () => answer(404, { status: 404, code: 'sales.receipt_not_found', detail: 'no' }));
    const e = (await call('GET', '/receipts/S4-999999', { responseType: 'text' }).catch((x) => x)) as ApiError;
    expect(e.code).toBe('sales.receipt_not_found');
  });

  it('turns problem+json into an ApiError with its code and fields', async () => {
    vi.stubGlobal('fetch', async () =>
      answer(400, { status: 400, code: 'request.validation_failed', detail: 'bad', errors: [{ field: 'cart_id', message: 'required' }], request_id: 'r1' }),
    );
    const e = (await call('GET', '/x').catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.code).toBe('request.validation_failed');
    expect(e.fields).toEqual([{ field: 'cart_id', message: 'required' }]);
    expect(e.requestId).toBe('r1');
  });

  it("gives the gateway's own refusals (Kong's {message}) a code from their status", async () => {
    vi.stubGlobal('fetch', async () => answer(401, { message: 'No API key found in request' }, { 'X-Request-ID': 'g1' }));
    const e = (await call('GET', '/x').catch((x) => x)) as ApiError;
    expect(e.code).toBe('http.401');
    expect(e.detail).toBe('No API key found in request');
    expect(e.requestId).toBe('g1');
  });

  it('refreshes an expired token once and sends the request again', async () => {
    let token = 'old';
    const auth: Credentials = {
      accessToken: () => token,
      refresh: vi.fn(async () => {
        token = 'new';
        return true;
      }),
    };
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const h = init.headers as Record<string, string>;
      seen.push(h.Authorization as string);
      return h.Authorization === 'Bearer new' ? answer(200, { id: 1 }) : answer(401, { status: 401, code: 'auth.token_expired' });
    });
    await expect(call('GET', '/orders', { auth })).resolves.toEqual({ id: 1 });
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(auth.refresh).toHaveBeenCalledTimes(1);
  });

  it('does not loop when the refresh fails', async () => {
    const auth: Credentials = { accessToken: () => 't', refresh: vi.fn(async () => false) };
    const fetch = vi.fn(async () => answer(401, { status: 401, code: 'auth.token_expired' }));
    vi.stubGlobal('fetch', fetch);
    await expect(call('GET', '/orders', { auth })).rejects.toMatchObject({ status: 401 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(call('GET', '/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('answers nothing for a 204', async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 204 }));
    await expect(call('DELETE', '/products/1')).resolves.toBeUndefined();
  });
});

describe('buildUrl', () => {
  it('leaves out empty parameters and encodes the rest', () => {
    expect(buildUrl('/products', { q: 'thé vert', page: 2, category_id: undefined, x: null, y: '' })).toBe(
      '/api/v1/products?q=th%C3%A9+vert&page=2',
    );
  });
});
