import { describe, expect, it } from 'vitest';
import { API_DOCS, apiDocument } from '../../infra/api-docs';
import { API_ROUTES } from '../../infra/api-routes';
import { openApiDocument } from '../../shared/http/openapi';
import { openApiHtml } from '../../shared/http/openapi-html';
import { checkAgainstOpenApi } from '../support/openapi-check';

const doc = apiDocument() as Record<string, any>;
const INFO = { title: 't', version: '1', description: 'd' };

describe('the OpenAPI document', () => {
  it('describes every route of infra/api-routes.ts, each with an answer and its errors', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const { route } of API_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method.toLowerCase()];
      expect(op, route).toBeDefined();
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses.some((s) => s < 400), `${route} documents no answer`).toBe(true);
      const isPublic = ['GET /health', 'GET /openapi.json', 'GET /docs'].includes(route);
      if (!isPublic) expect(statuses, route).toEqual(expect.arrayContaining([401, 403]));
      if (path.includes('{')) expect(statuses, route).toEqual(expect.arrayContaining([400, 404]));
      if (op.requestBody) expect(op.requestBody.content['application/json'].schema.$ref, route).toMatch(/^#\/components\/schemas\//);
    }
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(API_ROUTES.map((r) => r.route).sort());
  });

  it('refuses to be built when a route has no doc, naming it', () => {
    const routes = [...API_ROUTES, { route: 'GET /clients/{clientId}/secrets', fn: 'api-clients' }];
    expect(() => openApiDocument(routes, API_DOCS, INFO)).toThrow('routes without a doc in infra/api-docs.ts: GET /clients/{clientId}/secrets');
  });

  it('takes the bodies from the schemas the handlers validate with: an unknown field is refused there too', () => {
    const payment = doc.components.schemas.PaymentInput;
    expect(payment.required).toEqual(['amountMinor']);
    expect(payment.additionalProperties).toBe(false);
    expect(Object.keys(payment.properties)).toEqual(['amountMinor', 'receivedAt', 'method', 'reference']);
    expect(doc.components.schemas.HoldInput.properties.reason.enum).toEqual(['dispute', 'investigation']);
  });

  it('every referenced schema exists, and each response schema compiles', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref], ref).toBeDefined();
    // The e2e suite's checker, on a body that is not a case: it names the mismatch.
    expect(() => checkAgainstOpenApi('GET', '/cases/c1', 200, { caseId: 1 })).toThrow(/does not match #\/components\/schemas\/Case/);
    expect(() => checkAgainstOpenApi('GET', '/cases/c1', 418, {})).toThrow(/answered 418, which the OpenAPI document does not list/);
    expect(() => checkAgainstOpenApi('GET', '/health', 200, { status: 'ok' })).not.toThrow();
  });

  it('renders as one page that needs nothing from elsewhere', () => {
    const html = openApiHtml(doc);
    for (const { route } of API_ROUTES) expect(html).toContain(`<code>${route.split(' ')[1]!.replace(/&/g, '&amp;')}</code>`);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).not.toMatch(/href="https?:/);
  });

  it('a named schema nested in another is a reference, not a copy', () => {
    expect(doc.components.schemas.CasePage.properties.items.items).toEqual({ $ref: '#/components/schemas/Case' });
  });
});
