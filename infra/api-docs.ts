import { z } from 'zod';
import { pageQuerySchema, pageSchema } from '../shared/schemas/api';
import { businessEntityInputSchema, businessEntitySchema } from '../shared/schemas/business-entity';
import { closeBodySchema, contactPreferencesBodySchema, debtorCorrectionBodySchema, holdBodySchema, paymentBodySchema, planBodySchema, releaseBodySchema, settleBodySchema } from '../shared/schemas/case-actions';
import { clientInputSchema, clientSchema } from '../shared/schemas/client';
import { caseListQuerySchema, clientCommunicationsQuerySchema, reportQuerySchema } from '../shared/schemas/queries';
import { clientResultsSchema, operationsSchema, resultsQuerySchema } from '../shared/schemas/results';
import { ticketListQuerySchema, ticketPatchSchema, ticketSchema } from '../shared/schemas/ticket';
import {
  apiKeyCreatedSchema,
  apiKeyViewSchema,
  caseViewSchema,
  clientCommunicationSchema,
  clientInvoiceSchema,
  clientViewSchema,
  communicationViewSchema,
  healthSchema,
  importCreatedSchema,
  importReportLinkSchema,
  importViewSchema,
  paymentDuplicateSchema,
  paymentRecordedSchema,
  planAgreedSchema,
  timelineEventSchema,
} from '../shared/schemas/views';
import { named, openApiDocument, type RouteDoc } from '../shared/http/openapi';
import { meSchema, newUserSchema, userListQuerySchema, userPatchSchema, userSchema } from '../shared/schemas/user';
import { API_ROUTES, type ApiRouteKey } from './api-routes';

/**
 * What each route of infra/api-routes.ts takes and answers, from the zod schemas the handlers
 * validate with: the OpenAPI document (GET /openapi.json, GET /docs) is generated from this.
 * Keyed by the route table's own keys, so a route added there without a doc here does not compile.
 */

const Case = named('Case', caseViewSchema);
const Client = named('Client', clientSchema);
const ClientView = named('ClientView', clientViewSchema);
const BusinessEntity = named('BusinessEntity', businessEntitySchema);
const Import = named('Import', importViewSchema);
const ApiKey = named('ApiKey', apiKeyViewSchema);
const Communication = named('Communication', communicationViewSchema);
const TimelineEvent = named('TimelineEvent', timelineEventSchema);
const User = named('User', userSchema);
const Ticket = named('Ticket', ticketSchema);
named('ClientInput', clientInputSchema);
named('BusinessEntityInput', businessEntityInputSchema);

/** A merge patch of a record: any of its input fields, plus the `version` read (409 when stale). */
const patchOf = (name: string) =>
  named(
    `${name}Patch`,
    z.looseObject({ version: z.number().int().min(1).optional().describe('the version you read; or send If-Match: <version>') }).describe(`JSON Merge Patch (RFC 7396) of ${name}Input: objects merge, null removes a field`),
  );

const caseAction = (summary: string, body: z.ZodType, description?: string): RouteDoc => ({
  summary,
  description,
  body,
  responses: { 200: { description: 'The case after the action', schema: Case } },
  errors: [409],
});

export const API_DOCS: Record<ApiRouteKey, RouteDoc> = {
  'GET /health': { summary: 'Liveness', public: true, responses: { 200: { description: 'The API answers', schema: named('Health', healthSchema) } } },
  'GET /openapi.json': { summary: 'This document (OpenAPI 3.1)', public: true, responses: { 200: { description: 'The OpenAPI document', schema: named('OpenApiDocument', z.looseObject({ openapi: z.string() })) } } },
  'GET /docs': { summary: 'This reference as a web page', public: true, responses: { 200: { description: 'A self-contained HTML page', mediaType: 'text/html' } } },

  'POST /business-entities': { summary: 'Create a business entity', description: 'Sender address, invoice settings, email footer and common templates.', body: businessEntityInputSchema, responses: { 201: { description: 'Created', schema: BusinessEntity } } },
  'GET /business-entities': { summary: 'List business entities, oldest first', query: pageQuerySchema, responses: { 200: { description: 'One page', schema: named('BusinessEntityPage', pageSchema(BusinessEntity)) } } },
  'GET /business-entities/{id}': { summary: 'Read a business entity', responses: { 200: { description: 'The entity', schema: BusinessEntity } } },
  'PATCH /business-entities/{id}': { summary: 'Correct a business entity (JSON Merge Patch)', description: 'A patch that changes nothing keeps the version.', body: patchOf('BusinessEntity'), responses: { 200: { description: 'The entity as stored', schema: BusinessEntity } }, errors: [409] },

  'POST /clients': { summary: 'Create a client', description: 'Company info, contacts, settings, finances, workflows, portfolios.', body: clientInputSchema, responses: { 201: { description: 'Created', schema: ClientView } } },
  'GET /clients': { summary: 'List clients, oldest first', query: pageQuerySchema, responses: { 200: { description: 'One page', schema: named('ClientPage', pageSchema(Client)) } } },
  'GET /clients/{clientId}': {
    summary: 'Read a client',
    description: '`enrichmentSpend`: what its skip-trace lookups cost so far, per currency (read-only).',
    responses: { 200: { description: 'The client', schema: ClientView } },
  },
  'PATCH /clients/{clientId}': { summary: 'Change a client (JSON Merge Patch)', body: patchOf('Client'), responses: { 200: { description: 'The client as stored', schema: ClientView } }, errors: [409] },
  'POST /clients/{clientId}/api-keys': { summary: "Issue an API key for the client's own system", body: named('ApiKeyInput', z.object({ label: z.string().max(100).optional() }).strict()), responses: { 201: { description: 'The key, with its token (shown once)', schema: named('ApiKeyCreated', apiKeyCreatedSchema) } } },
  'GET /clients/{clientId}/api-keys': { summary: "List the client's API keys", query: pageQuerySchema, responses: { 200: { description: 'One page', schema: named('ApiKeyPage', pageSchema(ApiKey)) } } },
  'DELETE /clients/{clientId}/api-keys/{keyId}': { summary: 'Revoke an API key', description: 'At once in this function, within a minute everywhere.', responses: { 200: { description: 'The revoked key', schema: ApiKey } } },

  'POST /clients/{clientId}/imports': { summary: 'Announce an upload: a presigned PUT into the drop folder', description: 'PUT the CSV to `uploadUrl`; the upload starts the import.', body: named('ImportInput', z.object({}).passthrough()), responses: { 201: { description: 'The import, pending, with its upload URL', schema: named('ImportCreated', importCreatedSchema) } } },
  'GET /clients/{clientId}/imports': { summary: "List the client's imports", query: pageQuerySchema, responses: { 200: { description: 'One page', schema: named('ImportPage', pageSchema(Import)) } } },
  'GET /imports/{importId}': { summary: 'Status and counts of an import', description: 'rows, created, merged, duplicates, rejected; the first errors inline.', responses: { 200: { description: 'The import', schema: Import } } },
  'GET /imports/{importId}/report': {
    summary: "An import's error report (CSV)",
    description: 'Redirects to a presigned GET of `reports/<importId>-errors.csv` (columns row, outcome, column, message, value), valid 5 minutes; with `format=link` answers 200 with the same link instead (a web page cannot read a cross-origin redirect). 404 `no_report` when no row was rejected; 409 `not_finished` while it runs.',
    query: reportQuerySchema,
    responses: {
      200: { description: 'With `format=link`: the link to the CSV', schema: named('ImportReportLink', importReportLinkSchema) },
      302: { description: 'Follow `Location` (no token needed there)', schema: named('ImportReportLink', importReportLinkSchema), headers: { location: 'presigned URL of the CSV' } },
    },
    errors: [409],
  },

  'GET /clients/{clientId}/cases': { summary: "List the client's cases", query: caseListQuerySchema, responses: { 200: { description: 'One page', schema: named('CasePage', pageSchema(Case)) } } },
  'GET /clients/{clientId}/invoices': {
    summary: "The client's invoices across its cases",
    description: 'Oldest case first; one page holds the invoices of up to `limit` cases, each with its case id, reference, debtor name and phase.',
    query: pageQuerySchema,
    responses: { 200: { description: 'One page', schema: named('InvoicePage', pageSchema(named('ClientInvoice', clientInvoiceSchema))) } },
  },
  'GET /clients/{clientId}/communications': {
    summary: "The client's communications across its cases, newest first",
    description: 'Each with its case id and debtor name. `status` is read from its own index; `channel` filters the page read, so a page may hold fewer than `limit` while a cursor follows. An unknown parameter or value is a 400.',
    query: clientCommunicationsQuerySchema,
    responses: { 200: { description: 'One page', schema: named('ClientCommunicationPage', pageSchema(named('ClientCommunication', clientCommunicationSchema))) } },
  },
  'GET /clients/{clientId}/tickets': {
    summary: "The client's tickets in one status, newest first",
    description: 'Tasks for an operator opened by ticket nodes; `status` is open (default) or done. A ticket of a case that closed stays open until someone marks it done.',
    query: ticketListQuerySchema,
    responses: { 200: { description: 'One page', schema: named('TicketPage', pageSchema(Ticket)) } },
  },
  'GET /tickets': { summary: "The agency's ticket queue across clients, oldest first", description: '`status` is open (default) or done.', query: ticketListQuerySchema, responses: { 200: { description: 'One page', schema: named('TicketQueuePage', pageSchema(Ticket)) } } },
  'PATCH /tickets/{ticketId}': {
    summary: 'Mark a ticket done or open, assign it, note it',
    description: "At the `version` read (a ticket changed since is a 409 `stale_version`); null clears the assignee or the note. The case's timeline records the change and who made it (`ticket_updated`). A patch that changes nothing keeps the version.",
    body: named('TicketPatch', ticketPatchSchema),
    responses: { 200: { description: 'The ticket as stored', schema: Ticket } },
    errors: [409],
  },
  'GET /cases/{caseId}': { summary: 'Read a case with its balance as of today', responses: { 200: { description: 'The case', schema: Case } } },
  'PATCH /cases/{caseId}': {
    summary: "Correct the debtor's contact data (JSON Merge Patch)",
    description: 'name, email, phone, address, timezone; null removes one. Later sends use it; the old values stay on the timeline (`debtor_corrected`). With `version` (or If-Match) a case changed since is a 409.',
    body: named('DebtorCorrectionInput', debtorCorrectionBodySchema),
    responses: { 200: { description: 'The case as corrected', schema: Case } },
    errors: [409],
  },
  'GET /cases/{caseId}/communications': { summary: "A case's messages: channel, node, template, recipient, status, at, provider id, and what was sent (subject, text, a letter's PDF link)", query: pageQuerySchema, responses: { 200: { description: 'One page, in time order', schema: named('CommunicationPage', pageSchema(Communication)) } } },
  'GET /cases/{caseId}/timeline': { summary: "A case's timeline: imported, phase changes, charges, payments, sends and skips", query: pageQuerySchema, responses: { 200: { description: 'One page, in time order', schema: named('TimelinePage', pageSchema(TimelineEvent)) } } },

  'POST /cases/{caseId}/payments': {
    summary: 'Record a payment',
    description: 'Allocated to costs, then interest, then principal. The same `reference` again answers 200 with `duplicate: true` and records nothing; the same reference with another amount is a 409.',
    body: named('PaymentInput', paymentBodySchema),
    responses: { 201: { description: 'Recorded', schema: named('PaymentRecorded', paymentRecordedSchema) }, 200: { description: 'Already recorded under this reference', schema: named('PaymentDuplicate', paymentDuplicateSchema) } },
    errors: [409],
  },
  'POST /cases/{caseId}/payment-plan': { summary: 'Agree a payment plan', body: named('PaymentPlanInput', planBodySchema), responses: { 201: { description: 'The plan in force', schema: named('PaymentPlanAgreed', planAgreedSchema) } }, errors: [409] },
  'POST /cases/{caseId}/hold': caseAction('Put the case on hold (dispute, investigation)', named('HoldInput', holdBodySchema), 'Suspends regular communication at once.'),
  'POST /cases/{caseId}/release': caseAction('Release the case from hold', named('ReleaseInput', releaseBodySchema), 'Back to outreach or its payment plan (default: where it was).'),
  'POST /cases/{caseId}/settle': caseAction('Agree a settlement', named('SettleInput', settleBodySchema), 'The case closes as settled once this much is paid.'),
  'POST /cases/{caseId}/close': caseAction('Close the case by hand', named('CloseInput', closeBodySchema)),
  'POST /cases/{caseId}/contact-preferences': caseAction("Record the debtor's contact preferences per channel", named('ContactPreferencesInput', contactPreferencesBodySchema), 'false stops a channel (an opt-out such as a STOP reply), true allows it again.'),

  'GET /clients/{clientId}/results': {
    summary: "The client's results: placed, collected, recovery rate, cases by phase, liquidation curve, contacts",
    description:
      'Money figures are those of the cases in `currency` (default the client\'s). The liquidation curve has one line per import month: the cumulative share of that month\'s placed amount collected within 7, 14, ... 364 days of placement (weekly buckets; 365 for anything later), up to the last week with a payment. Served from counters kept as cases change, so the cost does not grow with the number of cases.',
    query: resultsQuerySchema,
    responses: { 200: { description: 'The results as of now', schema: named('ClientResults', clientResultsSchema) } },
  },
  'GET /operations': {
    summary: 'Operations figures (agency roles): executions by kind and status, sends by channel, failures, import throughput',
    description: 'From counters kept by the functions as they work. On AWS `dashboardUrl` links the CloudWatch dashboard.',
    responses: { 200: { description: 'The figures as of now', schema: named('Operations', operationsSchema) } },
  },
  'GET /me': { summary: 'Who this credential stands for', description: "A person's role and client (read from the users table), a client's API key, or the admin token; `label` is how the timeline names the caller.", responses: { 200: { description: 'The caller', schema: named('Me', meSchema) } } },
  'POST /users': {
    summary: 'Invite a person (agency_admin)',
    description: 'The sign-in directory mails a temporary password; the first sign-in sets a new one. A client role names its `clientId` (a contact of that client gets platform access this way); an agency role names none.',
    body: named('UserInput', newUserSchema),
    responses: { 201: { description: 'The user', schema: User } },
    errors: [409],
  },
  'GET /users': { summary: 'List users (agency_admin)', query: userListQuerySchema, responses: { 200: { description: 'One page, oldest first', schema: named('UserPage', pageSchema(User)) } } },
  'GET /users/{userId}': { summary: 'Read a user (agency_admin)', responses: { 200: { description: 'The user', schema: User } } },
  'PATCH /users/{userId}': { summary: 'Change a user’s role, client or name, or disable / enable them (agency_admin)', description: 'Disabling refuses the user’s next request, whatever tokens they hold, and revokes their refresh tokens.', body: named('UserPatch', userPatchSchema), responses: { 200: { description: 'The user', schema: User } }, errors: [409] },
  'DELETE /users/{userId}': { summary: 'Disable a user (agency_admin)', description: 'The user can no longer sign in or call the API; the record and the history that names them stay.', responses: { 200: { description: 'The disabled user', schema: User } }, errors: [409] },
};

let built: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of every route in infra/api-routes.ts, built once per process. */
export function apiDocument(): Record<string, unknown> {
  built ??= openApiDocument(API_ROUTES, API_DOCS, {
    title: 'Recoup API',
    version: '1',
    description:
      'Debt-collection cases and workflows. Money is integer minor units (`amountMinor`) with an ISO 4217 `currency`; dates are `YYYY-MM-DD`, instants ISO 8601 UTC. ' +
      'PATCH is JSON Merge Patch with the `version` you read. Lists answer `{ items, cursor }`. Errors are `{ error: { code, message, details } }`. ' +
      'Answers may gain fields over time; ignore the ones you do not know.',
  });
  return built;
}
