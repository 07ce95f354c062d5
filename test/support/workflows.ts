import { nowIso } from '../../shared/adapters/clock';
import type { Communication } from '../../shared/schemas/case';
import type { StepEvent } from '../../shared/workflow/steps';
import type { ApiClient } from './local-stack';
import { HEADER, allCases, dropClient, putCsv, waitForImport } from './imports';

export const DAY = 86_400_000;

/** Templates for every channel, with merge fields. */
export const TEMPLATES = {
  'first-notice': {
    subject: 'Your outstanding balance with {{client.name}}',
    text: 'Dear {{debtor.name}}, you owe {{balance.outstanding}} (ref {{case.reference}}).',
    sms: '{{client.name}}: {{balance.outstanding}} is overdue. Reply STOP to opt out.',
    voice: 'Hello {{debtor.name}}, this is {{client.name}} about {{balance.outstanding}}.',
    letter: 'Dear {{debtor.name}},\nWe still have not received {{balance.outstanding}}. Please pay now.',
  },
  reminder: { subject: 'Reminder from {{client.name}}', text: 'Dear {{debtor.name}}, {{balance.outstanding}} is still open.', sms: '{{client.name}}: reminder, {{balance.outstanding}} open.' },
};

/** The reference client of the issue: breathing space 14 days; email d0, sms d3, call d7, letter d14, email d21. */
export function referenceClient(entityId: string, overrides: Record<string, unknown> = {}) {
  return {
    companyInfo: { name: 'Acme Energy' },
    settings: {
      businessEntityId: entityId,
      enrichment: { intervalDays: 30, attempts: 2 },
      // Steps at their exact instants (the first of the hours they are due in): these scenarios
      // are about phases, channels and retries. The pacing of a cohort over the hours has tests of
      // its own (send-spread, workflow-cohort-pacing).
      workflow: { breathingSpace: { enabled: true, days: 14 }, paymentPlanReminderDays: 3, maxPhoneCallRetries: 2, contactHours: { spread: false } },
      debtorCommunication: { emailOnClosePaidInFull: true, emailOnCloseSettlement: false },
    },
    finances: { currency: 'EUR', costs: [{ name: 'collection fee', kind: 'fixed', amountMinor: 2500 }], interest: { annualRatePercent: 8 } },
    workflows: {
      mainOutreach: [
        { type: 'email', afterDays: 0, template: 'first-notice' },
        { type: 'sms', afterDays: 3, template: 'first-notice' },
        { type: 'call', afterDays: 7, template: 'first-notice' },
        { type: 'letter', afterDays: 14, template: 'first-notice' },
        { type: 'email', afterDays: 21, template: 'reminder' },
      ],
      breathingSpace: [],
      paymentPlan: [],
      onHold: [{ type: 'ticket', afterDays: 0, title: 'Investigate the dispute' }],
      retry: [{ type: 'sms', afterDays: 0, template: 'reminder' }],
    },
    portfolios: [{ name: 'default' }, { name: 'no-breathing', workflowOverrides: { breathingSpace: { enabled: false } } }],
    defaultPortfolio: 'default',
    ...overrides,
  };
}

export async function setUpClient(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<{ clientId: string; entityId: string }> {
  const entity = await api.post('/business-entities', {
    name: 'Acme Collections Ltd',
    senderEmail: 'collections@acme.example',
    replyTo: 'help@acme.example',
    address: { line1: '1 High St', postcode: 'AB1 2CD', city: 'London', country: 'GB' },
    emailFooter: 'Acme Collections Ltd, registered in England 0123456',
    templates: TEMPLATES,
  });
  if (entity.status !== 201) throw new Error(`entity: ${JSON.stringify(entity.body)}`);
  const client = await api.post('/clients', referenceClient(entity.body.businessEntityId, overrides));
  if (client.status !== 201) throw new Error(`client: ${JSON.stringify(client.body)}`);
  return { clientId: client.body.clientId, entityId: entity.body.businessEntityId };
}

export interface Debtor {
  ref: string;
  name: string;
  email?: string;
  phone?: string;
  postcode?: string;
  amount: string;
  portfolio?: string;
}

/** Uploads a CSV to the drop folder (as a client's system does) and returns the cases created, by client case number. */
export async function uploadCases(api: ApiClient, s3Url: string, clientId: string, debtors: Debtor[], name = 'cases.csv'): Promise<Record<string, any>> {
  const header = `${HEADER},portfolio,debtor_address_line1,debtor_city`;
  const rows = debtors.map((d) => [d.ref, d.name, d.email ?? '', d.phone ?? '', d.postcode ?? '', `INV-${d.ref}`, '2025-12-01', d.amount, 'EUR', 'energy', d.portfolio ?? '', d.postcode ? '5 Low Rd' : '', d.postcode ? 'Leeds' : ''].join(','));
  const s3 = dropClient(s3Url);
  await putCsv(s3, `${clientId}/${name}`, [header, ...rows].join('\n'));
  s3.destroy();
  const imp = await waitForImport(api, clientId, { key: `${clientId}/${name}` });
  if (imp.status !== 'completed') throw new Error(`import: ${JSON.stringify(imp)}`);
  const cases = await allCases(api, clientId);
  return Object.fromEntries(cases.map((c) => [c.clientCaseNumber, c]));
}

export async function advanceDays(api: ApiClient, days: number): Promise<string> {
  const r = await api.post('/local/clock/advance', { days });
  if (r.status !== 200) throw new Error(`advance: ${JSON.stringify(r.body)}`);
  return r.body.now;
}

export async function comms(api: ApiClient, caseId: string): Promise<any[]> {
  const r = await api.get(`/cases/${caseId}/communications?limit=100`);
  // In the order they happened (the API lists them by key).
  return [...r.body.items].sort((a: any, b: any) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

export async function events(api: ApiClient, caseId: string): Promise<any[]> {
  const r = await api.get(`/cases/${caseId}/timeline?limit=100`);
  return r.body.items;
}

/** Mail in aws-ses-v2-local. */
export async function sesMail(sesUrl: string): Promise<any[]> {
  const r = await fetch(`${sesUrl}/store`);
  return ((await r.json()) as { emails: any[] }).emails;
}

/**
 * The record a step's first try writes on its communication just before it calls the provider
 * (attempt 1): what a try stopped after that point leaves behind.
 */
export function sendingRecord(step: StepEvent, channel: Communication['channel'], clientId: string): Communication {
  return { key: `${step.caseId}:${step.execution}:${step.step.index}:1`, clientId, at: nowIso(), channel, workflow: step.kind, node: step.step.index, attempt: 1, status: 'sending' };
}
