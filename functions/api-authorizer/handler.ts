import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { machineCallerOf } from '../../shared/auth/machine-credentials';

type Context = { kind: 'admin' } | { kind: 'client'; clientId: string; keyId: string; label: string };

/**
 * The machines' API authorizer (HTTP API Lambda REQUEST authorizer, simple responses): lets
 * through the admin token and a client's live API key, and puts who it is in the context the
 * route functions read. API Gateway caches each answer by the Authorization header for the
 * authorizer's TTL, so junk never reaches a route function and a key costs one read a minute.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<Context | Record<string, never>>> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const caller = m ? await machineCallerOf(m[1]!) : undefined;
  if (!caller) {
    logger.info('machine credential refused', { routeKey: event.routeKey });
    return { isAuthorized: false, context: {} };
  }
  return { isAuthorized: true, context: caller.kind === 'admin' ? { kind: 'admin' } : { kind: 'client', clientId: caller.clientId, keyId: caller.keyId, label: caller.label ?? '' } };
};
