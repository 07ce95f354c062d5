/**
 * Every HTTP route and the function (folder under functions/) that serves it. The CDK API
 * construct and the local API server both read this table, so the two never drift.
 */
export const API_ROUTES = [
  { route: 'GET /health', fn: 'api-health' },
  { route: 'GET /openapi.json', fn: 'api-docs' },
  { route: 'GET /docs', fn: 'api-docs' },
  { route: 'POST /business-entities', fn: 'api-business-entities' },
  { route: 'GET /business-entities', fn: 'api-business-entities' },
  { route: 'GET /business-entities/{id}', fn: 'api-business-entities' },
  { route: 'PATCH /business-entities/{id}', fn: 'api-business-entities' },
  { route: 'POST /clients', fn: 'api-clients' },
  { route: 'GET /clients', fn: 'api-clients' },
  { route: 'GET /clients/{clientId}', fn: 'api-clients' },
  { route: 'PATCH /clients/{clientId}', fn: 'api-clients' },
  { route: 'POST /clients/{clientId}/api-keys', fn: 'api-clients' },
  { route: 'GET /clients/{clientId}/api-keys', fn: 'api-clients' },
  { route: 'DELETE /clients/{clientId}/api-keys/{keyId}', fn: 'api-clients' },
  { route: 'POST /clients/{clientId}/imports', fn: 'api-imports' },
  { route: 'GET /clients/{clientId}/imports', fn: 'api-imports' },
  { route: 'GET /imports/{importId}', fn: 'api-imports' },
  { route: 'GET /imports/{importId}/report', fn: 'api-imports' },
  { route: 'GET /clients/{clientId}/cases', fn: 'api-cases' },
  { route: 'GET /clients/{clientId}/invoices', fn: 'api-cases' },
  { route: 'GET /clients/{clientId}/communications', fn: 'api-cases' },
  { route: 'GET /clients/{clientId}/tickets', fn: 'api-tickets' },
  { route: 'GET /tickets', fn: 'api-tickets' },
  { route: 'PATCH /tickets/{ticketId}', fn: 'api-tickets' },
  { route: 'GET /cases/{caseId}', fn: 'api-cases' },
  { route: 'PATCH /cases/{caseId}', fn: 'api-case-actions' },
  { route: 'GET /cases/{caseId}/communications', fn: 'api-cases' },
  { route: 'GET /cases/{caseId}/timeline', fn: 'api-cases' },
  { route: 'POST /cases/{caseId}/payments', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/payment-plan', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/hold', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/release', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/settle', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/close', fn: 'api-case-actions' },
  { route: 'POST /cases/{caseId}/contact-preferences', fn: 'api-case-actions' },
  { route: 'GET /clients/{clientId}/results', fn: 'api-results' },
  { route: 'GET /operations', fn: 'api-results' },
  { route: 'GET /me', fn: 'api-users' },
  { route: 'POST /users', fn: 'api-users' },
  { route: 'GET /users', fn: 'api-users' },
  { route: 'GET /users/{userId}', fn: 'api-users' },
  { route: 'PATCH /users/{userId}', fn: 'api-users' },
  { route: 'DELETE /users/{userId}', fn: 'api-users' },
] as const satisfies readonly { route: string; fn: string }[];

export type ApiRouteKey = (typeof API_ROUTES)[number]['route'];

export type ApiFunctionName = (typeof API_ROUTES)[number]['fn'];

export function apiFunctionNames(): ApiFunctionName[] {
  return [...new Set(API_ROUTES.map((r) => r.fn))];
}
