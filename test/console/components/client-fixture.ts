import { clientInputSchema, type Client } from '../../../shared/schemas/client';

/** A client as the API answers it: the schema's defaults filled in, at version 3. */
export function sampleClient(input: Partial<Parameters<typeof clientInputSchema.parse>[0]> = {}): Client {
  const parsed = clientInputSchema.parse({
    companyInfo: { name: 'Acme Utilities', address: { city: 'Leeds', country: 'GB' } },
    templates: {
      'first-notice': { subject: 'Your balance with {{client.name}}', text: 'Dear {{debtor.name}}, you owe {{balance.outstanding}}.' },
      reminder: { sms: '{{client.name}}: {{balance.outstanding}} is overdue.' },
    },
    workflows: {
      mainOutreach: [
        { type: 'email', afterDays: 0, template: 'first-notice' },
        { type: 'sms', afterDays: 3, template: 'reminder' },
      ],
    },
    ...input,
  });
  return { ...parsed, clientId: 'client-1', version: 3, createdAt: '2026-01-01T09:00:00.000Z', updatedAt: '2026-01-02T09:00:00.000Z' };
}
