import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, ValidationError } from '../errors';
import { logger } from '../adapters/logger';
import { isPublicRoute } from '../auth/route-access';
import { authorize } from './authenticate';
import type { Caller } from './callers';

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
  /** Who called: a person, a client's system or the admin token (see callers.ts); the admin token's rights on public routes. */
  caller: Caller;
}

export type Route = (req: ApiRequest) => Promise<ApiResult>;

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const created = (body: unknown): ApiResult => ({ status: 201, body });

/**
 * One Lambda serves a group of routes, dispatched on API Gateway's `routeKey`.
 * Middy supplies the shared behaviour: JSON errors; the handler takes the caller the API's
 * authorizer verified, keeps it to the routes its role may use (shared/auth/route-access.ts)
 * and to its own client's data, and parses the JSON body.
 */
export function apiHandler(routes: Record<string, Route>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(errorsAsJson())
    .handler(async (event) => {
      const headers = lowerCaseKeys(event.headers ?? {});
      const params = (event.pathParameters ?? {}) as Record<string, string>;
      const caller = isPublicRoute(event.routeKey) ? ({ kind: 'admin' } as const) : await authorize(event, params);
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

