import { appConfig } from '../config';
import { refreshTokens, validAccessToken } from '../auth/sign-in';
import { writeTokens } from '../auth/tokens';

export interface ErrorDetail {
  path?: string;
  message: string;
}

/** An answer other than 2xx: the API's own words (error.message, or the authorizer's { message }). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined>;

function urlOf(path: string, query?: Query): string {
  const url = new URL(appConfig().apiUrl + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url.toString();
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; details?: unknown[] }; message?: string }
    | undefined;
  const details = (body?.error?.details ?? []).flatMap((d): ErrorDetail[] => {
    if (d && typeof d === 'object' && typeof (d as ErrorDetail).message === 'string') {
      // The API names a bad field by its dotted path in `field` (shared/http/validate.ts).
      const path = (d as { field?: unknown; path?: unknown }).field ?? (d as { path?: unknown }).path;
      return [{ message: (d as ErrorDetail).message, path: Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : undefined }];
    }
    return [];
  });
  const message = body?.error?.message ?? body?.message ?? `The API answered ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, body?.error?.code ?? (res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : 'error'), message, details);
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  const send = async (token: string | undefined) =>
    fetch(urlOf(path, opts.query), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
  let res = await send(await validAccessToken());
  if (res.status === 401) {
    // The access token may have been revoked or expired early: one refresh, one retry.
    const fresh = await refreshTokens();
    if (fresh) res = await send(fresh.accessToken);
    if (res.status === 401) writeTokens(undefined);
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The public API, called with the signed-in person's access token. */
export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** A list route's page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}
