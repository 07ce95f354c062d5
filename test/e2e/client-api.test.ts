import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack } from '../support/local-stack';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const entityBody = {
  name: 'Acme Collections Ltd',
  senderEmail: 'collections@acme.example',
  replyTo: 'help@acme.example',
  address: { line1: '1 High St', postcode: 'EC1A 1AA', city: 'London', country: 'GB' },
  emailFooter: 'Acme Collections Ltd, registered in England 0123456',
  invoiceSettings: { prefix: 'AC-', paymentTermsDays: 14 },
  templates: { 'first-notice': { subject: 'Your outstanding balance with {{client.name}}', text: 'Dear {{debtor.name}}, you owe {{balance.outstanding}}.' } },
};

describe('health and auth', () => {
  it('answers /health without a token', async () => {
    const res = await apiClient(stack.urls.api).get('/health');
    expect(res).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('refuses a request without a token (401) and with a wrong one (403), as API Gateway does before any function runs', async () => {
    const none = await apiClient(stack.urls.api).get('/clients');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: 'Unauthorized' });
    const wrong = await apiClient(stack.urls.api, 'not-the-token').get('/clients');
    expect(wrong.status).toBe(403);
  });

  it('answers 404 with a JSON error for an unknown route', async () => {
    const res = await stack.api.get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/no route GET \/nope/);
  });
});

describe('business entities', () => {
  it('creates one (201, id in businessEntityId) and reads it back', async () => {
    const created = await stack.api.post('/business-entities', entityBody);
    expect(created.status).toBe(201);
    expect(created.body.businessEntityId).toMatch(/^be_/);
    expect(created.body.version).toBe(1);
    const read = await stack.api.get(`/business-entities/${created.body.businessEntityId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('answers 400 naming each bad field', async () => {
    const res = await stack.api.post('/business-entities', { senderEmail: 'nope', invoiceSettings: { paymentTermsDays: -3 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['invoiceSettings.paymentTermsDays', 'name', 'senderEmail']);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await stack.api.get('/business-entities/be_missing');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'no business entity with id "be_missing"', details: [] });
  });
});

describe('clients', () => {
  let entityId: string;
  beforeAll(async () => {
    entityId = (await stack.api.post('/business-entities', entityBody)).body.businessEntityId;
  });

  const clientBody = () => ({
    companyInfo: { name: 'Bright Energy BV', address: { city: 'Amsterdam', country: 'NL' }, registrationNumber: '12345678', vatNumber: 'NL123' },
    contacts: [{ name: 'Ann de Vries', email: 'ann@bright.example', role: 'operational_lead' }],
    settings: { businessEntityId: entityId, workflow: { breathingSpace: { enabled: true, days: 14 } } },
    finances: { currency: 'EUR', costs: [{ name: 'collection fee', kind: 'fixed', amountMinor: 2500 }], interest: { annualRatePercent: 8 } },
    workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notice' }] },
    portfolios: [{ name: 'b2b', workflowOverrides: { breathingSpace: { enabled: false } } }],
  });

  it('creates a client with defaults filled in and reads it back', async () => {
    const created = await stack.api.post('/clients', clientBody());
    expect(created.status).toBe(201);
    expect(created.body.clientId).toMatch(/^cl_/);
    expect(created.body.settings.enrichment).toEqual({ intervalDays: 30, attempts: 2 });
    expect(created.body.settings.workflow.paymentPlanReminderDays).toBe(3);
    const read = await stack.api.get(`/clients/${created.body.clientId}`);
    expect(read.body).toEqual(created.body);
  });

  it('refuses a client whose business entity does not exist', async () => {
    const res = await stack.api.post('/clients', { ...clientBody(), settings: { businessEntityId: 'be_nope' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ field: 'settings.businessEntityId' });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await stack.api.call('POST', '/clients', '{"companyInfo":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('patches with JSON Merge Patch and bumps the version', async () => {
    const { clientId } = (await stack.api.post('/clients', clientBody())).body;
    const res = await stack.api.patch(`/clients/${clientId}`, {
      version: 1,
      settings: { workflow: { breathingSpace: { days: 30 } } },
      companyInfo: { vatNumber: null },
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.settings.workflow.breathingSpace).toEqual({ enabled: true, days: 30 });
    expect(res.body.companyInfo.vatNumber).toBeUndefined();
    expect(res.body.companyInfo.name).toBe('Bright Energy BV');
    expect((await stack.api.get(`/clients/${clientId}`)).body.version).toBe(2);
  });

  it('answers 409 to a stale update (version in the body or If-Match)', async () => {
    const { clientId } = (await stack.api.post('/clients', clientBody())).body;
    expect((await stack.api.patch(`/clients/${clientId}`, { version: 1, companyInfo: { name: 'First' } })).status).toBe(200);
    const stale = await stack.api.patch(`/clients/${clientId}`, { version: 1, companyInfo: { name: 'Second' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    const staleHeader = await stack.api.patch(`/clients/${clientId}`, { companyInfo: { name: 'Third' } }, { 'if-match': '"1"' });
    expect(staleHeader.status).toBe(409);
    expect((await stack.api.get(`/clients/${clientId}`)).body.companyInfo.name).toBe('First');
  });

  it('answers 400 when a patch makes the client invalid, and changes nothing', async () => {
    const { clientId } = (await stack.api.post('/clients', clientBody())).body;
    const res = await stack.api.patch(`/clients/${clientId}`, { finances: { currency: 'EURO' }, clientId: 'x' });
    expect(res.status).toBe(400);
    const bad = await stack.api.patch(`/clients/${clientId}`, { finances: { currency: 'EURO' } });
    expect(bad.body.error.details).toEqual([{ field: 'finances.currency', message: 'must be a three-letter ISO 4217 code in capitals, e.g. EUR' }]);
    expect((await stack.api.get(`/clients/${clientId}`)).body.version).toBe(1);
  });

  it('answers 404 for an unknown client on GET and PATCH', async () => {
    expect((await stack.api.get('/clients/cl_missing')).status).toBe(404);
    expect((await stack.api.patch('/clients/cl_missing', { companyInfo: { name: 'X' } })).status).toBe(404);
  });

  it('lists clients page by page with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) await stack.api.post('/clients', { companyInfo: { name: `Paged ${i}` } });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await stack.api.get(`/clients?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((c: { clientId: string }) => c.clientId));
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect((await stack.api.get('/clients?limit=0')).status).toBe(400);
    expect((await stack.api.get('/clients?cursor=garbage')).status).toBe(400);
  });
});

describe('virtual clock', () => {
  it('reads and advances virtual time, only forwards', async () => {
    const before = (await stack.api.get('/local/clock')).body.now;
    const res = await stack.api.post('/local/clock/advance', { days: 30 });
    expect(res.status).toBe(200);
    expect(new Date(res.body.now).getTime() - new Date(before).getTime()).toBe(30 * 86_400_000);
    expect((await stack.api.post('/local/clock/advance', { to: '2020-01-01T00:00:00Z' })).status).toBe(409);
    expect((await stack.api.post('/local/clock/advance', { days: 'x' })).status).toBe(400);
  });

  it('stamps records with virtual time', async () => {
    const now = (await stack.api.get('/local/clock')).body.now;
    const created = await stack.api.post('/clients', { companyInfo: { name: 'Timed' } });
    expect(created.body.createdAt).toBe(now);
  });
});
