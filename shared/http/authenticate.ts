import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../adapters/config';
import { dynamo } from '../adapters/dynamo/client';
import { keys } from '../adapters/dynamo/keys';
import { users } from '../adapters/dynamo/users';
import { mayCall } from '../auth/route-access';
import { AppError, NotFoundError, UnauthorizedError } from '../errors';
import { clientScopeOf, principalOf, type Caller } from './callers';

/**
 * What the API's authorizers leave on the event: the JWT authorizer the verified token's claims
 * (`jwt.claims`), the Lambda authorizer of machine credentials its context (`lambda`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export interface AuthorizerContext {
  jwt?: { claims: Record<string, unknown>; scopes?: string[] | null };
  lambda?: Record<string, unknown>;
}

export function authorizerOf(event: APIGatewayProxyEventV2): AuthorizerContext | undefined {
  return (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
}

/**
 * The caller of a request the authorizer let through. A person's role and client come from the
 * users table by the token's `sub`, read on every request, so a disabled user (or a changed role)
 * takes effect on the next request, not when the token expires.
 */
export async function callerOfEvent(event: APIGatewayProxyEventV2): Promise<Caller> {
  const auth = authorizerOf(event);
  const sub = auth?.jwt?.claims.sub;
  if (typeof sub === 'string' && sub) {
    const user = await users.find(sub);
    if (!user) throw new UnauthorizedError('this sign-in belongs to no Recoup user; ask an agency admin to invite you');
    if (user.disabled) throw new UnauthorizedError('this user is disabled');
    return { kind: 'user', userId: user.userId, email: user.email, name: user.name, role: user.role, ...(user.clientId ? { clientId: user.clientId } : {}) };
  }
  const ctx = auth?.lambda;
  if (ctx?.kind === 'admin') return { kind: 'admin' };
  if (ctx?.kind === 'client' && typeof ctx.clientId === 'string' && typeof ctx.keyId === 'string') {
    return { kind: 'client', clientId: ctx.clientId, keyId: ctx.keyId, ...(typeof ctx.label === 'string' && ctx.label ? { label: ctx.label } : {}) };
  }
  // Every route but the public ones has an authorizer: no identity here means none was sent.
  throw new UnauthorizedError();
}

const WHO: Record<string, string> = {
  client_api_key: "a client's API key (it may upload files, follow its imports, read its own cases and record payments)",
  agency_operator: 'an agency operator (every client, but not users)',
  client_operational_lead: "a client's operational lead (its cases, imports, uploads and actions on cases)",
  client_commercial_lead: "a client's commercial lead (its cases, imports and finances; no actions on cases)",
  client_viewer: "a client's viewer (read only)",
};

/** The caller, if its role may use the route (403 otherwise) and the route's data is its client's (404 otherwise). */
export async function authorize(event: APIGatewayProxyEventV2, params: Record<string, string>): Promise<Caller> {
  const caller = await callerOfEvent(event);
  const principal = principalOf(caller);
  if (!mayCall(principal, event.routeKey)) {
    throw new AppError(403, 'forbidden', `${event.routeKey} is not open to ${WHO[principal] ?? principal}`);
  }
  await assertInScope(caller, params);
  return caller;
}

/**
 * Another client's data does not exist for a client-scoped caller: a path naming another
 * client, or a case or import of another client, is a 404 before the route runs.
 */
async function assertInScope(caller: Caller, params: Record<string, string>): Promise<void> {
  const scope = clientScopeOf(caller);
  if (scope === undefined) return;
  if (params.clientId !== undefined && params.clientId !== scope) throw new NotFoundError('client', params.clientId);
  if (params.caseId !== undefined && (await ownerOf(keys.case(params.caseId))) !== scope) throw new NotFoundError('case', params.caseId);
  if (params.importId !== undefined && (await ownerOf(keys.import(params.importId))) !== scope) throw new NotFoundError('import', params.importId);
}

async function ownerOf(key: Record<string, string>): Promise<string | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: key, ProjectionExpression: 'clientId' }));
  return typeof out.Item?.clientId === 'string' ? out.Item.clientId : undefined;
}
