import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { referenceClient, setUpClient } from '../support/workflows';

/**
 * Settings an operator saves are kept as given, or refused at save naming what is wrong:
 * unknown keys, templates that would fail a send weeks later, and the commercial agreement.
 * One stack, many checks.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let clientId: string;
let entityId: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ clientId, entityId } = await setUpClient(stack.api));
});
afterAll(async () => {
  await stack?.stop();
});

const fields = (body: any): string[] => body.error.details.map((d: any) => d.field).sort();

describe('unknown keys', () => {
  it('a misspelt key in a new client is a 400 naming it, not a client with defaults', async () => {
    const r = await stack.api.post('/clients', { ...referenceClient(entityId), setings: { enrichment: { attempts: 0 } } });
    expect(r.status).toBe(400);
    expect(fields(r.body)).toEqual(['setings']);
    expect(r.body.error.details[0].message).toMatch(/not a known field/);
  });

  it('unknown keys in a patch, a portfolio and a business entity are 400s naming them', async () => {
    const patch = await stack.api.patch(`/clients/${clientId}`, { finances: { billing: { name: 'x' } }, portfolios: [{ name: 'p', workflowOverides: {} }] });
    expect(patch.status).toBe(400);
    expect(fields(patch.body)).toEqual(['finances.billing', 'portfolios.0.workflowOverides']);
    const entity = await stack.api.post('/business-entities', { name: 'E', senderEmail: 'e@example.com', footer: 'x' });
    expect(entity.status).toBe(400);
    expect(fields(entity.body)).toEqual(['footer']);
  });
});

describe('the commercial agreement', () => {
  it('is kept and returned as part of finances', async () => {
    const finances = {
      commission: { percent: 15, minimumPerCaseMinor: 1000 },
      billingInfo: { name: 'FinView Accounts Payable', email: 'ap@finview.example', vatNumber: 'NL001', paymentTermsDays: 30, invoiceFrequency: 'monthly' },
      enrichmentCostMinor: 150,
    };
    const r = await stack.api.patch(`/clients/${clientId}`, { finances });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const read = await stack.api.get(`/clients/${clientId}`);
    expect(read.body.finances).toMatchObject({ ...finances, currency: 'EUR', interest: { annualRatePercent: 8 } });
  });
});

describe('a patch that changes nothing', () => {
  it('does not move the version', async () => {
    const before = (await stack.api.get(`/clients/${clientId}`)).body;
    const same = await stack.api.patch(`/clients/${clientId}`, { companyInfo: { name: before.companyInfo.name }, finances: { currency: before.finances.currency } });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(before.version);
    expect((await stack.api.get(`/clients/${clientId}`)).body.version).toBe(before.version);
    const changed = await stack.api.patch(`/clients/${clientId}`, { companyInfo: { name: 'Acme Energy plc' } });
    expect(changed.body.version).toBe(before.version + 1);
  });
});

describe('templates checked at save', () => {
  it('refuses an unknown merge field, a node naming a template that exists nowhere, and a template without the part its channel needs', async () => {
    const typo = await stack.api.patch(`/clients/${clientId}`, { templates: { nudge: { sms: 'Hi {{debtor.nmae}}' } } });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details).toEqual([{ field: 'templates.nudge.sms', message: expect.stringContaining('{{debtor.nmae}}') }]);

    const missing = await stack.api.patch(`/clients/${clientId}`, { workflows: { retry: [{ type: 'sms', afterDays: 0, template: 'no-such-template' }] } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: 'workflows.retry.0.template', message: expect.stringContaining('"no-such-template"') }]);

    const noSubject = await stack.api.patch(`/clients/${clientId}`, { templates: { 'sms-only': { sms: 'Pay {{balance.outstanding}}' } }, workflows: { onHold: [{ type: 'email', afterDays: 1, template: 'sms-only' }] } });
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.error.details).toEqual([{ field: 'workflows.onHold.0.template', message: 'template "sms-only" lacks a subject, which an email node needs' }]);

    const entity = await stack.api.post('/business-entities', { name: 'E', senderEmail: 'e@example.com', templates: { t: { subject: 'From {{cleint.name}}', text: 'x' } } });
    expect(entity.status).toBe(400);
    expect(entity.body.error.details).toEqual([{ field: 'templates.t.subject', message: expect.stringContaining('{{cleint.name}}') }]);
  });

  it('accepts a call node without a template and the business entity’s templates by name', async () => {
    const r = await stack.api.patch(`/clients/${clientId}`, { workflows: { retry: [{ type: 'call', afterDays: 0 }, { type: 'voice', afterDays: 1, template: 'first-notice' }] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});

describe('hostile bodies and paths answer 4xx without internals', () => {
  it('JSON nested thousands deep in a PATCH is a 400', async () => {
    const deep = '{"companyInfo":'.repeat(5000) + '{}' + '}'.repeat(5000);
    const r = await stack.api.call('PATCH', `/clients/${clientId}`, deep);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/more than 32 levels/);
  });

  it('a body over 400 KB is a 413, and so is a patch that would grow the client past what a record holds', async () => {
    const big = await stack.api.post('/clients', { ...referenceClient(entityId), companyInfo: { name: 'Big' }, templates: { huge: { text: 'x'.repeat(450_000) } } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('too_large');
    // Each patch is under the limit; together they are more than one item can hold.
    const templates = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`long-${i}`, { text: 'y'.repeat(19_000) }]));
    const first = await stack.api.patch(`/clients/${clientId}`, { templates });
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    const more = Object.fromEntries(Array.from({ length: 18 }, (_, i) => [`more-${i}`, { text: 'z'.repeat(19_000) }]));
    const second = await stack.api.patch(`/clients/${clientId}`, { templates: more });
    expect(second.status).toBe(413);
    expect(second.body.error.message).toMatch(/400 KB/);
    expect(JSON.stringify(second.body)).not.toMatch(/ValidationException|dynamo|stack/i);
  });

  it('malformed percent-encoding in a path is a 400 that echoes nothing internal', async () => {
    for (const path of ['/clients/%E0%A4%A', '/cases/%ZZ', '/imports/%']) {
      const r = await stack.api.get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('bad_path');
      expect(JSON.stringify(r.body)).not.toMatch(/URIError|malformed URI/i);
    }
  });
});
