/** One fetch wrapper for the whole app: JSON, the CSRF header on changes, and the server's bilingual errors. */

export type ErrorBody = {
  error?: string;
  message?: string;
  message_zh?: string;
  message_en?: string;
  details?: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageZh: string;
  readonly messageEn: string;
  readonly details: unknown;

  constructor(status: number, body: ErrorBody) {
    const fallback = body.message ?? `HTTP ${status}`;
    super(fallback);
    this.status = status;
    this.code = body.error ?? 'error';
    this.messageZh = body.message_zh ?? fallback;
    this.messageEn = body.message_en ?? fallback;
    this.details = body.details;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

/** The auth provider registers this so an expired session sends the user back to sign-in. */
export const setUnauthorizedHandler = (handler: (() => void) | null): void => {
  onUnauthorized = handler;
};

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, {
      error: 'network',
      message_zh: '无法连接服务器，请检查网络',
      message_en: 'Cannot reach the server; check the network',
    });
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && onUnauthorized && !url.startsWith('/api/auth/')) onUnauthorized();
    throw new ApiError(res.status, (data as ErrorBody | undefined) ?? {});
  }
  return data as T;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', buildUrl(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** The server's message in the UI language, or the generic text for a non-API failure. */
export function errorMessage(err: unknown, lang: string, fallback: string): string {
  if (err instanceof ApiError) return lang.startsWith('en') ? err.messageEn : err.messageZh;
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}
