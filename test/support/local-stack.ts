import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';
import { FREE_PORTS } from '../../infra/local/ports';
import { checkAgainstOpenApi } from './openapi-check';

export const TEST_TOKEN = 'test-admin-token';

/** A whole local stack on free ports in a temp folder: real dynalite, s3rver and SES local. */
export async function startTestStack(opts: Partial<LocalStackOptions> = {}): Promise<LocalStack & { api: ApiClient }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'recoup-test-'));
  const stack = await startLocalStack({
    dataDir,
    inMemory: true,
    ports: FREE_PORTS,
    adminToken: TEST_TOKEN,
    // Many sign-ins on purpose: a cheaper scrypt than the stand-in's default (passwords.ts).
    scryptN: 2 ** 12,
    startTime: new Date('2026-01-05T09:00:00.000Z'),
    ...opts,
  });
  return {
    ...stack,
    api: apiClient(stack.urls.api, TEST_TOKEN),
    stop: async () => {
      await stack.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * A tiny HTTP client for the API, as a client's system would call it. Every answer is checked
 * against the OpenAPI document (status listed, body matching its schema) unless `checkResponses`
 * is false (benchmarks), so the reference cannot drift from what the API does.
 */
export function apiClient(baseUrl: string, token?: string, opts: { checkResponses?: boolean } = {}) {
  async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // JSON answers parsed; anything else (a CSV, the docs page) as text.
    const isJson = (res.headers.get('content-type') ?? 'application/json').includes('json');
    const parsed = text ? (isJson ? JSON.parse(text) : text) : undefined;
    if (opts.checkResponses !== false) checkAgainstOpenApi(method, path, res.redirected ? 302 : res.status, res.redirected ? undefined : parsed);
    return { status: res.status, body: parsed };
  }
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
    patch: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    call,
  };
}
