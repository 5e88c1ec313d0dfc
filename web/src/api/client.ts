// The one HTTP client of the gateway: the web app's API key, a person's token, problem+json turned into
// ApiError, one refresh-and-retry on an expired token, a timeout on every call.
import type { Problem } from './types';

/** The shop's public API key (deploy/kong.yml consumer pos-web-app): it identifies the app, authorises nothing. */
export const API_KEY = 'pos-web-app-2025-frontend-key';
const BASE = '/api/v1';

/** A failed call: the problem+json of the service, or a network failure (status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: { field: string; message: string }[];
  readonly requestId: string | undefined;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail ?? '';
    this.fields = problem.errors ?? [];
    this.requestId = problem.request_id;
  }
}

/** Who a call is made for: gives the access token, and renews it once when the service says it expired. */
export interface Credentials {
  accessToken(): string | null;
  /** Exchanges the refresh token; false when the person must sign in again. */
  refresh(): Promise<boolean>;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  auth?: Credentials;
  idempotencyKey?: string;
  /** `text`: the body as received (a receipt's HTML), not parsed as JSON. */
  responseType?: 'json' | 'text';
  /** Milliseconds before the call is given up (default 15 s). */
  timeoutMs?: number;
}

export function buildUrl(path: string, query?: CallOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function once<T>(method: string, path: string, options: CallOptions): Promise<T> {
  const headers: Record<string, string> = {
    'X-API-Key': API_KEY,
    Accept: options.responseType === 'text' ? 'text/html, text/plain, application/problem+json' : 'application/json',
  };
  const token = options.auth?.accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15000),
      credentials: 'omit',
    });
  } catch (e) {
    const timeout = e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError');
    throw new ApiError({ status: 0, code: timeout ? 'network.timeout' : 'network', detail: String(e) });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (response.ok && options.responseType === 'text') return text as T;
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const p = (parsed ?? {}) as Partial<Problem> & { message?: string };
    throw new ApiError({
      status: response.status,
      // The gateway's own refusals (Kong style) carry {"message"} and no code.
      code: p.code ?? `http.${response.status}`,
      detail: p.detail ?? p.message ?? response.statusText,
      errors: p.errors ?? [],
      request_id: p.request_id ?? response.headers.get('X-Request-ID') ?? undefined,
      title: p.title,
    });
  }
  return parsed as T;
}

/** Calls the gateway; on a 401 with credentials it refreshes the token once and tries again. */
export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  try {
    return await once<T>(method, path, options);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && options.auth?.accessToken() && (await options.auth.refresh())) {
      return once<T>(method, path, options);
    }
    throw e;
  }
}

/** A fresh Idempotency-Key. */
export function newKey(): string {
  return crypto.randomUUID();
}
