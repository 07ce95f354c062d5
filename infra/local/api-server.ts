import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { API_ROUTES } from '../api-routes';
import { users } from '../../shared/adapters/dynamo/users';
import { isPublicRoute } from '../../shared/auth/route-access';
import type { AuthorizerContext } from '../../shared/http/authenticate';
import { isRefusal, runAuthorizer, type LocalAuthorizers } from './authorizers';
import { localLambdaContext } from './lambda-context';

type ApiLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** A local-only route served by the runtime itself (clock control and the like). */
export type LocalRoute = (body: unknown, url: URL) => Promise<{ status: number; body: unknown }>;

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  params: string[];
  fn: string;
}

function compile(routeKey: string, fn: string): CompiledRoute {
  const [method, path] = routeKey.split(' ') as [string, string];
  const params: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { routeKey, method, pattern, params, fn };
}

/** The function of the machines' Lambda authorizer (the admin token and clients' API keys). */
export const MACHINE_AUTHORIZER = 'api-authorizer';

const MAX_BODY = 10 * 1024 * 1024; // API Gateway's payload limit

/**
 * Serves the API locally by turning each request into an API Gateway HTTP API (payload 2.0)
 * event and calling the very handler Lambda would. Handlers are loaded on first use.
 */
export function createApiServer(opts: {
  localRoutes: Record<string, LocalRoute>;
  /** The admin bearer token: the local-only routes (clock, outbox, executions) answer only to it. */
  adminToken: string;
  /** Local routes that need no token (the local sign-in itself). */
  publicLocalRoutes?: readonly string[];
  loadHandler?: (fn: string) => Promise<ApiLambda>;
  /** The JWT authorizer's checks against the local issuer (the machines' authorizer is functions/api-authorizer). */
  jwtAuthorizer: LocalAuthorizers['jwt'];
  /** Origins a browser may call the API from (the console), as the HTTP API's CORS configuration. */
  corsOrigins: readonly string[];
}): Server {
  const routes = API_ROUTES.map((r) => compile(r.route, r.fn));
  const cache = new Map<string, Promise<ApiLambda>>();
  const load =
    opts.loadHandler ??
    (async (fn: string) => ((await import(`../../functions/${fn}/handler.ts`)) as { handler: ApiLambda }).handler);
  const loadCached = (fn: string) => {
    let handlerPromise = cache.get(fn);
    if (!handlerPromise) cache.set(fn, (handlerPromise = load(fn)));
    return handlerPromise;
  };
  // API Gateway runs these before any route function (every route but the public ones).
  const authorizers: LocalAuthorizers = { jwt: opts.jwtAuthorizer, machine: () => loadCached(MACHINE_AUTHORIZER) as never };

  return createServer((req, res) => {
    // What went wrong inside stays in the log; the caller gets what API Gateway would say.
    void handle(req, res).catch((e: unknown) => {
      console.error('local API server: unhandled error', e);
      send(res, 500, { error: { code: 'internal', message: 'internal error; the request was logged, try again or contact support', details: [] } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    // CORS as API Gateway answers it: only the console's origin is named; a preflight is
    // answered before any authorizer or route runs.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
    const origin = req.headers.origin;
    if (origin && opts.corsOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'false');
      res.setHeader('vary', 'Origin');
    }
    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (origin && opts.corsOrigins.includes(origin)) {
        res.setHeader('access-control-allow-methods', 'GET, POST, PATCH, PUT, DELETE');
        res.setHeader('access-control-allow-headers', 'authorization, content-type, if-match');
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204);
      return void res.end();
    }
    const raw = await readBody(req);
    if (raw === null) return send(res, 413, { error: { code: 'too_large', message: 'request body over 10 MB; upload files through POST /clients/{clientId}/imports', details: [] } });

    const local = opts.localRoutes[`${method} ${url.pathname}`];
    if (local) {
      // Local routes move the clock and arrange provider faults: like every route but /health, they need the token.
      const denied = opts.publicLocalRoutes?.includes(`${method} ${url.pathname}`) ? undefined : await localAuthError(req.headers.authorization, opts.adminToken, opts.jwtAuthorizer);
      if (denied) return send(res, denied.status, denied.body);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      } catch {
        return send(res, 400, { error: { code: 'validation_failed', message: 'the body is not valid JSON', details: [] } });
      }
      const out = await local(body, url);
      return send(res, out.status, out.body);
    }

    const match = routes.map((r) => ({ r, m: r.method === method ? r.pattern.exec(url.pathname) : null })).find((x) => x.m);
    if (!match) {
      const allowed = routes.some((r) => r.pattern.test(url.pathname));
      return send(res, allowed ? 405 : 404, { error: { code: allowed ? 'method_not_allowed' : 'not_found', message: `no route ${method} ${url.pathname}`, details: [] } });
    }
    const pathParameters = decodePathParameters(match.r.params, match.m!.slice(1));
    if (!pathParameters) {
      return send(res, 400, { error: { code: 'bad_path', message: 'the path has malformed percent-encoding (a % must be followed by two hex digits of UTF-8); encode ids with encodeURIComponent', details: [] } });
    }
    let authorizer: AuthorizerContext | undefined;
    if (!isPublicRoute(match.r.routeKey)) {
      const a = await runAuthorizer(authorizers, req, url, match.r.routeKey);
      if (isRefusal(a)) {
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        return void res.end(JSON.stringify(a.body));
      }
      authorizer = a;
    }
    const handler = await loadCached(match.r.fn);
    const event = toEvent(req, url, match.r.routeKey, pathParameters, raw);
    if (authorizer) (event.requestContext as { authorizer?: AuthorizerContext }).authorizer = authorizer;
    const result = await handler(event, localLambdaContext(match.r.fn, 30_000));
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Why a local-only route refuses this Authorization header, or undefined when it carries the admin token. */
/**
 * The local routes answer to the admin token and to a signed-in agency admin (the console's
 * Operations page, a script that signed in), checked as the API's routes check them.
 */
async function localAuthError(authorization: string | undefined, adminToken: string, jwt: LocalAuthorizers['jwt']): Promise<{ status: number; body: unknown } | undefined> {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) return { status: 401, body: { error: { code: 'unauthorized', message: 'send "Authorization: Bearer <admin token or an agency admin\'s access token>"; the local routes answer only to them', details: [] } } };
  const bearer = m[1]!.trim();
  if (bearer.split('.').length === 3) {
    const check = await jwt(bearer);
    const user = check.ok && typeof check.claims.sub === 'string' ? await users.find(check.claims.sub) : undefined;
    if (user && !user.disabled && user.role === 'agency_admin') return undefined;
    return { status: check.ok ? 403 : 401, body: { error: { code: check.ok ? 'forbidden' : 'unauthorized', message: check.ok ? 'the local routes answer only to the admin token and agency admins' : check.reason, details: [] } } };
  }
  // Digests of equal length compared in constant time, as the handlers compare tokens.
  if (!timingSafeEqual(sha256(bearer), sha256(adminToken))) {
    return { status: 403, body: { error: { code: 'forbidden', message: 'the local routes answer only to the admin token and agency admins', details: [] } } };
  }
  return undefined;
}

/**
 * API Gateway's HTTP API hands handlers the path and its parameters already percent-decoded
 * (https://github.com/middleapi/standard-server/pull/93, from captures of live HTTP API events).
 * Here a path that cannot be decoded is a 400 before any handler runs; on AWS an id that
 * arrives undecoded is only an id that names nothing (404), never an error echoed to the caller.
 */
function decodePathParameters(names: string[], values: string[]): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((p, i) => [p, decodeURIComponent(values[i]!)]));
  } catch {
    return undefined;
  }
}

function toEvent(req: IncomingMessage, url: URL, routeKey: string, pathParameters: Record<string, string>, raw: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query = Object.fromEntries(url.searchParams.entries());
  const method = routeKey.split(' ')[0]!;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.searchParams.toString(),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: raw.length ? raw.toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${now}-${Math.random().toString(36).slice(2, 10)}`,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
