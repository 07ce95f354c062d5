import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, UnauthorizedError, ValidationError } from '../errors';
import { logger } from '../adapters/logger';
import { adminToken } from '../adapters/admin-token';

/** What a route returns: a status and a JSON body. */
export interface ApiResult {
  status: number;
  body: unknown;
}

export interface ApiRequest {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON body, parsed; undefined when there is none. */
  body: unknown;
}

export type Route = (req: ApiRequest) => Promise<ApiResult>;

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const created = (body: unknown): ApiResult => ({ status: 201, body });

/** Routes that need no bearer token. */
const PUBLIC_ROUTES = new Set(['GET /health']);

/**
 * One Lambda serves a group of routes, dispatched on API Gateway's `routeKey`.
 * Middy supplies the shared behaviour: bearer auth, JSON parsing, error → HTTP mapping.
 */
export function apiHandler(routes: Record<string, Route>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(errorsAsJson())
    .use(bearerAuth())
    .handler(async (event) => {
      const route = routes[event.routeKey];
      if (!route) throw new AppError(404, 'not_found', `no route ${event.routeKey}`);
      const req: ApiRequest = {
        event,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers: lowerCaseKeys(event.headers ?? {}),
        body: parseJsonBody(event),
      };
      const result = await route(req);
      return json(result.status, result.body);
    });
}

function bearerAuth(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async ({ event }) => {
      if (PUBLIC_ROUTES.has(event.routeKey)) return;
      const header = lowerCaseKeys(event.headers ?? {})['authorization'] ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(header);
      if (!m) throw new UnauthorizedError();
      if (!safeEqual(m[1]!.trim(), await adminToken())) throw new AppError(403, 'forbidden', 'the bearer token is not valid');
    },
  };
}

function errorsAsJson(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const e = request.error;
      if (e instanceof AppError) {
        request.response = json(e.status, { error: { code: e.code, message: e.message, details: e.details } });
        return;
      }
      logger.error('unhandled error', { error: e as Error, routeKey: request.event.routeKey });
      request.response = json(500, { error: { code: 'internal', message: 'internal error; the request was logged, try again or contact support', details: [] } });
    },
  };
}

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('the body is not valid JSON', [{ field: '(body)', message: 'send a JSON object with Content-Type: application/json' }]);
  }
}

export function json(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function lowerCaseKeys(h: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function safeEqual(a: string, b: string): boolean {
  // Constant-time over the longer length, so the token's length leaks nothing either.
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

