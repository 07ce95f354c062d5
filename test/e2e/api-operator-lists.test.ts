import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, setUpClient, uploadCases } from '../support/workflows';

/**
 * The operator's lists over one small book of cases: signed cursors that page through everything
 * and refuse an edited one, and list routes that refuse a parameter they do not know.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
const ids = { client: '', c1: '', c2: '' };
beforeAll(async () => {
  stack = await startTestStack();
  const { clientId } = await setUpClient(stack.api);
  const cases = await uploadCases(stack.api, stack.urls.s3, clientId, [
    { ref: 'L1', name: 'Lena Park', email: 'lena@example.com', phone: '+447700900101', amount: '120.00' },
    { ref: 'L2', name: 'Omar Reyes', email: 'omar@example.com', amount: '80.00' },
  ]);
  Object.assign(ids, { client: clientId, c1: cases.L1.caseId, c2: cases.L2.caseId });
  // Day 17: breathing space over (charges, outreach), the day-0 emails and the day-3 SMS are out.
  await advanceDays(stack.api, 17);
});
afterAll(async () => {
  await stack?.stop();
});

async function allPages(path: string, limit: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.api.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    out.push(...page.body.items);
    cursor = page.body.cursor;
  } while (cursor);
  return out;
}

/** The cursor with its key part rewritten by `edit`, its signature kept: what a caller who edits a cursor sends. */
function edited(cursor: string, edit: (key: Record<string, unknown>) => Record<string, unknown>): string {
  const [payload, signature] = cursor.split('.');
  const key = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  return `${Buffer.from(JSON.stringify(edit(key)), 'utf8').toString('base64url')}.${signature}`;
}

describe('signed cursors', () => {
  it('a genuine cursor pages through every event of a timeline; an edited one is a 400 invalid_cursor', async () => {
    const whole = (await stack.api.get(`/cases/${ids.c1}/timeline?limit=100`)).body.items;
    expect(whole.length).toBeGreaterThan(4);
    expect(await allPages(`/cases/${ids.c1}/timeline`, 1)).toEqual(whole);

    // A cursor past the carried events, then moved on to skip the next stored events.
    const first = await stack.api.get(`/cases/${ids.c1}/timeline?limit=3`);
    const second = await stack.api.get(`/cases/${ids.c1}/timeline?limit=1&cursor=${encodeURIComponent(first.body.cursor)}`);
    const genuine: string = second.body.cursor;
    const later = whole.at(-1);
    for (const bad of [
      edited(genuine, (k) => ({ ...k, sk: `EVT#${later.at}#zzzz` })),
      edited(first.body.cursor, (k) => ('carried' in k ? { carried: Number(k.carried) + 1 } : { ...k, sk: `EVT#${later.at}#zzzz` })),
      `${genuine.slice(0, -2)}${genuine.endsWith('AA') ? 'BB' : 'AA'}`,
      genuine.split('.')[0]!,
    ]) {
      const res = await stack.api.get(`/cases/${ids.c1}/timeline?limit=1&cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_cursor', details: [{ field: 'cursor', message: 'pass back the cursor of the previous page unchanged' }] });
    }
    // The genuine one still answers the next event.
    const next = await stack.api.get(`/cases/${ids.c1}/timeline?limit=1&cursor=${encodeURIComponent(genuine)}`);
    expect(next.body.items).toEqual(whole.slice(4, 5));
  });

  it('an edited cursor of an index list is refused too', async () => {
    const first = await stack.api.get(`/clients/${ids.client}/cases?limit=1`);
    expect(first.body.cursor).toEqual(expect.any(String));
    const res = await stack.api.get(`/clients/${ids.client}/cases?limit=1&cursor=${encodeURIComponent(edited(first.body.cursor, (k) => ({ ...k, gsi1sk: `${k.gsi1sk}~` })))}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });
});

describe('list routes refuse a parameter they do not know', () => {
  it.each([
    ['/clients?limt=5', 'limt'],
    ['/clients?status=open', 'status'],
    ['/clients/{client}/api-keys?label=x', 'label'],
    ['/clients/{client}/cases?phse=outreach', 'phse'],
    ['/clients/{client}/invoices?phase=outreach', 'phase'],
    ['/clients/{client}/imports?status=completed', 'status'],
    ['/cases/{c1}/timeline?type=imported', 'type'],
    ['/cases/{c1}/communications?channel=email', 'channel'],
    ['/business-entities?name=x', 'name'],
    ['/users?role=agency_admin', 'role'],
  ])('GET %s answers 400 naming %s', async (template, name) => {
    const res = await stack.api.get(template.replace(/\{(\w+)\}/g, (_, k: keyof typeof ids) => ids[k]));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details).toContainEqual({ field: name, message: 'is not a known field; check its spelling and where it sits' });
  });
});

describe("a client's communications across its cases", () => {
  it('lists every case’s messages newest first, page by page, with the case and debtor, filtered by channel and status', async () => {
    const perCase = [
      ...(await stack.api.get(`/cases/${ids.c1}/communications?limit=100`)).body.items.map((c: any) => ({ ...c, caseId: ids.c1, debtorName: 'Lena Park' })),
      ...(await stack.api.get(`/cases/${ids.c2}/communications?limit=100`)).body.items.map((c: any) => ({ ...c, caseId: ids.c2, debtorName: 'Omar Reyes' })),
    ];
    // Email and SMS of Lena, email of Omar, and his SMS skipped (no phone).
    expect(perCase.map((c) => `${c.debtorName}:${c.channel}:${c.status}`).sort()).toEqual(['Lena Park:email:sent', 'Lena Park:sms:sent', 'Omar Reyes:email:sent', 'Omar Reyes:sms:skipped']);
    const newestFirst = (list: any[]) => [...list].sort((a, b) => b.at.localeCompare(a.at) || `${b.caseId}#${b.key}`.localeCompare(`${a.caseId}#${a.key}`));

    const all = await allPages(`/clients/${ids.client}/communications`, 1);
    expect(all).toEqual(newestFirst(perCase));
    expect(await allPages(`/clients/${ids.client}/communications?channel=sms`, 1)).toEqual(newestFirst(perCase.filter((c) => c.channel === 'sms')));
    expect(await allPages(`/clients/${ids.client}/communications?status=sent`, 2)).toEqual(newestFirst(perCase.filter((c) => c.status === 'sent')));
    expect(await allPages(`/clients/${ids.client}/communications?channel=sms&status=skipped`, 1)).toEqual(perCase.filter((c) => c.channel === 'sms' && c.status === 'skipped'));
    expect(await allPages(`/clients/${ids.client}/communications?channel=letter`, 10)).toEqual([]);
  });

  it.each([
    ['channel=fax', 'channel', 'must be one of email, sms, voice, call, letter, ticket'],
    ['status=delivered', 'status', 'must be one of sending, sent, failed, skipped, unknown'],
    ['chanel=sms', 'chanel', 'is not a known field; check its spelling and where it sits'],
    ['limit=0', 'limit', expect.any(String)],
  ])('?%s is a 400 naming %s', async (query, field, message) => {
    const res = await stack.api.get(`/clients/${ids.client}/communications?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details).toContainEqual({ field, message });
  });

  it('another client’s cursor is not this client’s', async () => {
    const { clientId: other } = await setUpClient(stack.api);
    const page = await stack.api.get(`/clients/${ids.client}/communications?limit=1`);
    const res = await stack.api.get(`/clients/${other}/communications?limit=1&cursor=${encodeURIComponent(page.body.cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });
});

describe("an operator's tickets", () => {
  it('a ticket node opens a ticket on the client’s list and the agency’s queue; PATCH marks it done at its version and the case’s timeline says who', async () => {
    const { api } = stack;
    expect((await api.post(`/cases/${ids.c1}/hold`, { reason: 'dispute', note: 'meter reading contested' })).status).toBe(200);
    await advanceDays(api, 1);

    const open = await api.get(`/clients/${ids.client}/tickets`);
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.items).toEqual([
      { ticketId: expect.any(String), clientId: ids.client, caseId: ids.c1, debtorName: 'Lena Park', title: 'Investigate the dispute', status: 'open', createdAt: expect.any(String), updatedAt: expect.any(String), version: 1 },
    ]);
    const ticket = open.body.items[0];
    // The case's communication names the ticket it opened.
    const sent = (await api.get(`/cases/${ids.c1}/communications?limit=100`)).body.items.filter((c: any) => c.channel === 'ticket');
    expect(sent.map((c: any) => [c.status, c.providerId])).toEqual([['sent', ticket.ticketId]]);
    expect((await api.get('/tickets?status=open')).body.items.filter((t: any) => t.clientId === ids.client)).toEqual([ticket]);

    const assigned = await api.patch(`/tickets/${ticket.ticketId}`, { version: 1, assignee: 'ops@agency.example', note: 'called the debtor, awaiting the meter photo' });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body).toMatchObject({ version: 2, status: 'open', assignee: 'ops@agency.example', note: 'called the debtor, awaiting the meter photo', updatedBy: 'admin token' });
    // The same patch again changes nothing: no new version.
    expect((await api.patch(`/tickets/${ticket.ticketId}`, { version: 2, assignee: 'ops@agency.example' })).body.version).toBe(2);

    const stale = await api.patch(`/tickets/${ticket.ticketId}`, { version: 1, status: 'done' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');

    const done = await api.patch(`/tickets/${ticket.ticketId}`, { version: 2, status: 'done', note: null });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ version: 3, status: 'done', assignee: 'ops@agency.example' });
    expect(done.body.note).toBeUndefined();
    expect((await api.get(`/clients/${ids.client}/tickets`)).body.items).toEqual([]);
    expect((await api.get(`/clients/${ids.client}/tickets?status=done`)).body.items).toEqual([done.body]);
    expect((await api.get('/tickets')).body.items.map((t: any) => t.ticketId)).not.toContain(ticket.ticketId);

    const said = (await api.get(`/cases/${ids.c1}/timeline?limit=100`)).body.items.filter((e: any) => e.type === 'ticket_updated');
    expect(said.map((e: any) => [e.message, e.by])).toEqual([
      ['ticket "Investigate the dispute" assigned to ops@agency.example, noted by admin token', 'admin token'],
      ['ticket "Investigate the dispute" marked done, note removed by admin token', 'admin token'],
    ]);
    expect(said[1].data).toEqual({ ticketId: ticket.ticketId, changes: { status: { from: 'open', to: 'done' }, note: { from: 'called the debtor, awaiting the meter photo', to: null } } });
  });

  it('opening a ticket twice under one id (a retried step) leaves one ticket', async () => {
    const { tickets } = await import('../../shared/adapters/dynamo/tickets');
    const at = '2026-01-20T09:00:00.000Z';
    const t = { ticketId: 'ticket-retried-step', clientId: ids.client, caseId: ids.c2, debtorName: 'Omar Reyes', title: 'Call the employer', status: 'open' as const, createdAt: at, updatedAt: at, version: 1 };
    expect(await tickets.open(t)).toBe(true);
    expect(await tickets.open({ ...t, title: 'Call the employer (again)' })).toBe(false);
    const listed = (await stack.api.get(`/clients/${ids.client}/tickets?limit=100`)).body.items.filter((x: any) => x.caseId === ids.c2);
    expect(listed).toEqual([t]);
  });

  it.each([
    ['GET', '/clients/{client}/tickets?status=closed', undefined, 'status'],
    ['GET', '/clients/{client}/tickets?assignee=x', undefined, 'assignee'],
    ['GET', '/tickets?clientId=x', undefined, 'clientId'],
    ['PATCH', '/tickets/ticket-retried-step', { version: 1, status: 'closed' }, 'status'],
    ['PATCH', '/tickets/ticket-retried-step', { version: 1, asignee: 'a@b.example' }, 'asignee'],
    ['PATCH', '/tickets/ticket-retried-step', { version: 1, assignee: 'not an email' }, 'assignee'],
    ['PATCH', '/tickets/ticket-retried-step', { status: 'done' }, 'version'],
  ])('%s %s is a 400 naming %s', async (method, template, body, field) => {
    const res = await stack.api.call(method, template.replace(/\{(\w+)\}/g, (_, k: keyof typeof ids) => ids[k]), body === undefined ? undefined : body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
  });
});
