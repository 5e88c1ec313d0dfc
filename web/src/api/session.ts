// A signed-in person: the tokens customer gave, kept in localStorage so that a reload keeps the session,
// with the claims the screens need (role, store). One session for the shopper, one for staff.
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, call, type Credentials } from './client';
import type { Role, Tokens } from './types';

export interface Claims {
  sub: string;
  role: Role | 'customer' | string;
  location_id: number | null;
  exp: number;
}

/** The claims of a JWT, read without verifying (the services verify; the screens only adapt). */
export function decodeClaims(token: string): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const c = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
    if (typeof c.sub !== 'string' && typeof c.sub !== 'number') return null;
    return {
      sub: String(c.sub),
      role: String(c.role ?? ''),
      location_id: typeof c.location_id === 'number' ? c.location_id : null,
      exp: typeof c.exp === 'number' ? c.exp : 0,
    };
  } catch {
    return null;
  }
}

export interface SessionState {
  tokens: Tokens;
  claims: Claims;
  /** Shown in the header ("Marie Martin"). */
  name: string;
}

export class Session implements Credentials {
  readonly state = signal<SessionState | null>(null);
  readonly signedIn: ReadonlySignal<boolean> = computed(() => this.state.value !== null);
  private refreshing: Promise<boolean> | null = null;

  constructor(
    private readonly storageKey: string,
    private readonly storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage,
  ) {
    const saved = this.storage?.getItem(storageKey);
    if (saved) {
      try {
        const s = JSON.parse(saved) as SessionState;
        if (s.tokens?.access_token && decodeClaims(s.tokens.access_token)) this.state.value = s;
      } catch {
        this.storage?.removeItem(storageKey);
      }
    }
  }

  accessToken(): string | null {
    return this.state.value?.tokens.access_token ?? null;
  }

  claims(): Claims | null {
    return this.state.value?.claims ?? null;
  }

  start(tokens: Tokens, name: string): SessionState {
    const claims = decodeClaims(tokens.access_token);
    if (!claims) throw new ApiError({ status: 0, code: 'auth.invalid_token', detail: 'unreadable token' });
    const s = { tokens, claims, name };
    this.state.value = s;
    this.storage?.setItem(this.storageKey, JSON.stringify(s));
    return s;
  }

  end(): void {
    this.state.value = null;
    this.storage?.removeItem(this.storageKey);
  }

  refresh(): Promise<boolean> {
    // Concurrent 401s share one exchange: a refresh token is good for one rotation only.
    this.refreshing ??= this.exchange().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async exchange(): Promise<boolean> {
    const s = this.state.value;
    if (!s) return false;
    try {
      const tokens = await call<Tokens>('POST', '/auth/refresh', { body: { refresh_token: s.tokens.refresh_token } });
      this.start(tokens, s.name);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.end();
      return false;
    }
  }
}

export const shopper = new Session('comptoir.shopper');
export const staff = new Session('comptoir.staff');
