import { describe, expect, it } from 'vitest';
import { decodeClaims, Session } from './session';

function jwt(payload: object): string {
  const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${b64('{"alg":"HS256"}')}.${b64(JSON.stringify(payload))}.sig`;
}

describe('decodeClaims', () => {
  it('reads sub, role, store and expiry', () => {
    expect(decodeClaims(jwt({ sub: '7', role: 'cashier', location_id: 1, exp: 99 }))).toEqual({
      sub: '7',
      role: 'cashier',
      location_id: 1,
      exp: 99,
    });
  });
  it('reads UTF-8 claims', () => {
    expect(decodeClaims(jwt({ sub: 3, role: 'customer', name: 'Hélène' }))?.sub).toBe('3');
  });
  it('refuses what is not a token', () => {
    expect(decodeClaims('nope')).toBeNull();
    expect(decodeClaims('a.%%%.c')).toBeNull();
    expect(decodeClaims(jwt({ role: 'admin' }))).toBeNull();
  });
});

describe('Session', () => {
  const tokens = (role: string) => ({
    access_token: jwt({ sub: '1', role, exp: 2e9 }),
    refresh_token: 'r',
    token_type: 'Bearer' as const,
    expires_in: 900,
  });

  it('survives a reload through its storage and ends cleanly', () => {
    const storage = new Map<string, string>();
    const fake = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    } as unknown as Storage;
    const a = new Session('k', fake);
    expect(a.signedIn.value).toBe(false);
    a.start(tokens('manager'), 'Gérante');
    const b = new Session('k', fake);
    expect(b.signedIn.value).toBe(true);
    expect(b.claims()?.role).toBe('manager');
    expect(b.state.value?.name).toBe('Gérante');
    b.end();
    expect(new Session('k', fake).signedIn.value).toBe(false);
  });

  it('ignores a corrupt saved session', () => {
    const fake = { getItem: () => '{not json', setItem: () => undefined, removeItem: () => undefined } as unknown as Storage;
    expect(new Session('k', fake).signedIn.value).toBe(false);
  });
});
