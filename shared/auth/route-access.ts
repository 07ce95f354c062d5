import type { ApiRouteKey } from '../../infra/api-routes';
import type { Role } from './roles';

/**
 * Who may call what: route key x caller -> allowed or not (403), written once. The admin token
 * (the agency's own break-glass credential) may call everything and is not listed.
 * A client-scoped caller (client roles and a client's API key) that is allowed a route still
 * sees only its own client's data: another client's id answers 404 (see shared/http/scope.ts).
 */
export type Principal = Role | 'client_api_key';

/** `public`: no credential at all (no authorizer on AWS). Otherwise the principals allowed. */
export type RouteRule = 'public' | readonly Principal[];

const AGENCY = ['agency_admin', 'agency_operator'] as const;
/** Everyone who may read a client's cases and imports: agency, the client's people, its system. */
const READERS = [...AGENCY, 'client_operational_lead', 'client_commercial_lead', 'client_viewer', 'client_api_key'] as const;
/** Upload files: the agency, the client's operational lead and its system. */
const UPLOADERS = [...AGENCY, 'client_operational_lead', 'client_api_key'] as const;
/** Act on a case (plans, holds, releases, settlements, closing, contact preferences). */
const CASE_ACTORS = [...AGENCY, 'client_operational_lead'] as const;
/** Report a payment: the case actors and the client's system. */
const PAYERS = [...CASE_ACTORS, 'client_api_key'] as const;
const ADMINS = ['agency_admin'] as const;
/** Work the tickets of a client: the agency and the client's operational lead. */
const TICKET_WORKERS = [...AGENCY, 'client_operational_lead'] as const;
/** Any signed-in person or key: who am I. */
const ANYONE = READERS;

export const ROUTE_ACCESS: Record<ApiRouteKey, RouteRule> = {
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'POST /business-entities': AGENCY,
  'GET /business-entities': AGENCY,
  'GET /business-entities/{id}': AGENCY,
  'PATCH /business-entities/{id}': AGENCY,
  'POST /clients': AGENCY,
  'GET /clients': AGENCY,
  'GET /clients/{clientId}': READERS,
  'PATCH /clients/{clientId}': AGENCY,
  'POST /clients/{clientId}/api-keys': AGENCY,
  'GET /clients/{clientId}/api-keys': AGENCY,
  'DELETE /clients/{clientId}/api-keys/{keyId}': AGENCY,
  'POST /clients/{clientId}/imports': UPLOADERS,
  'GET /clients/{clientId}/imports': READERS,
  'GET /imports/{importId}': READERS,
  'GET /imports/{importId}/report': READERS,
  'GET /clients/{clientId}/cases': READERS,
  'GET /clients/{clientId}/invoices': READERS,
  'GET /clients/{clientId}/communications': READERS,
  'GET /clients/{clientId}/tickets': TICKET_WORKERS,
  'GET /tickets': AGENCY,
  'PATCH /tickets/{ticketId}': TICKET_WORKERS,
  'GET /cases/{caseId}': READERS,
  'PATCH /cases/{caseId}': CASE_ACTORS,
  'GET /cases/{caseId}/communications': READERS,
  'GET /cases/{caseId}/timeline': READERS,
  'POST /cases/{caseId}/payments': PAYERS,
  'POST /cases/{caseId}/payment-plan': CASE_ACTORS,
  'POST /cases/{caseId}/hold': CASE_ACTORS,
  'POST /cases/{caseId}/release': CASE_ACTORS,
  'POST /cases/{caseId}/settle': CASE_ACTORS,
  'POST /cases/{caseId}/close': CASE_ACTORS,
  'POST /cases/{caseId}/contact-preferences': CASE_ACTORS,
  'GET /clients/{clientId}/results': READERS,
  'GET /operations': AGENCY,
  'GET /me': ANYONE,
  'POST /users': ADMINS,
  'GET /users': ADMINS,
  'GET /users/{userId}': ADMINS,
  'PATCH /users/{userId}': ADMINS,
  'DELETE /users/{userId}': ADMINS,
};

/** Routes that need no credential (no authorizer on AWS; the local server checks none). */
export const isPublicRoute = (routeKey: string): boolean => (ROUTE_ACCESS as Record<string, RouteRule | undefined>)[routeKey] === 'public';

/** Whether `principal` may call `routeKey`; an unknown route is nobody's (fail closed). */
export function mayCall(principal: Principal | 'admin_token', routeKey: string): boolean {
  const rule = (ROUTE_ACCESS as Record<string, RouteRule | undefined>)[routeKey];
  if (rule === undefined) return false;
  if (rule === 'public' || principal === 'admin_token') return true;
  return rule.includes(principal);
}
