import type { IncomingMessage } from 'node:http';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult, Context } from 'aws-lambda';
import type { TokenCheck } from '../../shared/auth/access-token';
import type { AuthorizerContext } from '../../shared/http/authenticate';
import { localLambdaContext } from './lambda-context';

type MachineAuthorizer = (event: APIGatewayRequestAuthorizerEventV2, context: Context) => Promise<APIGatewaySimpleAuthorizerWithContextResult<Record<string, unknown>>>;

export interface LocalAuthorizers {
  /** The JWT authorizer's checks (shared/auth/access-token.ts), against the local issuer. */
  jwt: (token: string) => Promise<TokenCheck>;
  /** The machines' Lambda REQUEST authorizer: the very handler deployed on AWS. */
  machine: () => Promise<MachineAuthorizer>;
}

/** What API Gateway answers itself when an authorizer refuses: no route function runs. */
export type Refusal = { status: 401 | 403; body: { message: string }; headers?: Record<string, string> };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * On AWS, people call the API whose routes carry the JWT authorizer and machines (API keys, the
 * admin token) the API whose routes carry the Lambda authorizer; locally one server serves both,
 * and the shape of the bearer token picks the authorizer (a JWT is three base64url parts; a key
 * `rk_…` and the admin token are not). The answer is what the route function finds in
 * `requestContext.authorizer`, or API Gateway's own 401/403.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export async function runAuthorizer(auth: LocalAuthorizers, req: IncomingMessage, url: URL, routeKey: string): Promise<AuthorizerContext | Refusal> {
  const header = req.headers.authorization;
  if (!header) return { status: 401, body: { message: 'Unauthorized' } };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer && JWT_SHAPE.test(bearer)) {
    const check = await auth.jwt(bearer);
    if (!check.ok) return { status: 401, body: { message: 'Unauthorized' }, headers: { 'www-authenticate': `Bearer error="invalid_token" error_description="${check.reason}"` } };
    return { jwt: { claims: check.claims, scopes: typeof check.claims.scope === 'string' ? check.claims.scope.split(' ') : null } };
  }
  const handler = await auth.machine();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const now = Date.now();
  const event: APIGatewayRequestAuthorizerEventV2 = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:local:local/$default/${routeKey.replace(' ', '')}`,
    identitySource: [header],
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.searchParams.toString(),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-auth-${now}`,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  } as APIGatewayRequestAuthorizerEventV2;
  const out = await handler(event, localLambdaContext('api-authorizer', 10_000));
  if (!out.isAuthorized) return { status: 403, body: { message: 'Forbidden' } };
  return { lambda: out.context };
}

export const isRefusal = (x: AuthorizerContext | Refusal): x is Refusal => 'status' in x;
