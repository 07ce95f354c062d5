import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, NotFoundError, UnauthorizedError, ValidationError } from '../errors';
import { logger } from '../adapters/logger';
import { CLIENT_ROUTES, callerOf, type Caller } from './callers';

/** What a route returns: a status and a JSON body (or, with a `content-type` header, a text body as it is). */
export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiRequest {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON body, parsed; undefined when there is none. */
  body: unknown;
  /** Who called: the agency, or one client's system (see callers.ts); the agency on public routes. */
  caller: Caller;
}

export type Route = (req: ApiRequest) => Promise<ApiResult>;

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const created = (body: unknown): ApiResult => ({ status: 201, body });

/** Routes that need no bearer token. */
const PUBLIC_ROUTES = new Set(['GET /health', 'GET /openapi.json', 'GET /docs']);

/**
 * One Lambda serves a group of routes, dispatched on API Gateway's `routeKey`.
 * Middy supplies the shared behaviour: JSON errors; the handler authenticates the bearer token,
 * keeps a client's key to its own routes and client, and parses the JSON body.
 */
export function apiHandler(routes: Record<string, Route>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(errorsAsJson())
    .handler(async (event) => {
      const headers = lowerCaseKeys(event.headers ?? {});
      const params = (event.pathParameters ?? {}) as Record<string, string>;
      const caller = PUBLIC_ROUTES.has(event.routeKey) ? ({ kind: 'admin' } as const) : await authenticate(headers, event.routeKey, params);
      const route = routes[event.routeKey];
      if (!route) throw new AppError(404, 'not_found', `no route ${event.routeKey}`);
      const req: ApiRequest = {
        event,
        params,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers,
        body: parseJsonBody(event),
        caller,
      };
      const result = await route(req);
      if (result.headers?.['content-type'] && typeof result.body === 'string') return { statusCode: result.status, headers: result.headers, body: result.body };
      return { ...json(result.status, result.body), ...(result.headers ? { headers: { 'content-type': 'application/json', ...result.headers } } : {}) };
    });
}

async function authenticate(headers: Record<string, string>, routeKey: string, params: Record<string, string>): Promise<Caller> {
  const m = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  if (!m) throw new UnauthorizedError();
  const caller = await callerOf(m[1]!.trim());
  if (!caller) throw new AppError(403, 'forbidden', 'the bearer token is not valid (the admin token, or an API key a client was given; a revoked key is no longer valid)');
  if (caller.kind === 'client') {
    if (!CLIENT_ROUTES.has(routeKey)) {
      throw new AppError(403, 'forbidden', `${routeKey} is for the agency's operators; a client's API key may upload files, follow its imports, read its own cases and record payments`);
    }
    // Another client's data does not exist for this key.
    if (params.clientId !== undefined && params.clientId !== caller.clientId) throw new NotFoundError('client', params.clientId);
  }
  return caller;
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

/**
 * The most a JSON body may weigh: every body the API takes is kept in one DynamoDB item, which
 * holds at most 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items).
 */
export const MAX_BODY_BYTES = 400 * 1024;
/** Deeper than any body the API defines (a client is about 8 levels); beyond it a body is hostile, not data. */
export const MAX_BODY_DEPTH = 32;

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError(413, 'too_large', `the body is over ${MAX_BODY_BYTES / 1024} KB, the most a record can hold; send less (CSV files go through POST /clients/{clientId}/imports)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('the body is not valid JSON', [{ field: '(body)', message: 'send a JSON object with Content-Type: application/json' }]);
  }
  if (nestedDeeperThan(value, MAX_BODY_DEPTH)) {
    throw new ValidationError(`the body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep`, [{ field: '(body)', message: `at most ${MAX_BODY_DEPTH} levels of nesting` }]);
  }
  return value;
}

/** Walks without recursion, so a hostile depth cannot overflow the stack here either. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

export function json(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function lowerCaseKeys(h: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

