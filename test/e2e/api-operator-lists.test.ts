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
