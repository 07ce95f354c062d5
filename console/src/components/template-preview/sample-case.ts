import type { Balance } from '../../../../shared/domain/ledger';
import { buildMergeView, type MergeView } from '../../../../shared/domain/templates';
import type { BusinessEntity } from '../../../../shared/schemas/business-entity';
import type { Client } from '../../../../shared/schemas/client';

/** A made-up case in the client's currency, so a template can be read as a debtor would get it. */
export function sampleMergeView(client: Pick<Client, 'companyInfo' | 'finances'>, entity: BusinessEntity | undefined, opts: { plan: boolean; today: string }): MergeView {
  const currency = client.finances.currency;
  const balance: Balance = { principalMinor: 125_000, costsMinor: 2_500, interestMinor: 1_130, paidMinor: 20_000, outstandingMinor: 108_630, creditMinor: 0, currency };
  return buildMergeView({
    case: {
      caseId: 'case-sample',
      clientCaseNumber: 'SAMPLE-1001',
      debtor: { type: 'person', name: 'Sam Sample', email: 'sam.sample@example.com', phone: '+447700900123', address: { line1: '1 Example Street', postcode: 'AB1 2CD', city: 'Exampleton', country: 'GB' } },
      invoices: [{ invoiceNumber: 'INV-1001', invoiceDate: '2026-01-05', dueDate: '2026-02-04', amountMinor: 125_000, currency, description: 'Services in January' }],
      phase: 'outreach',
      portfolio: undefined,
    },
    balance,
    client,
    entity,
    today: opts.today,
    ...(opts.plan
      ? {
          plan: { agreedAt: `${opts.today}T09:00:00.000Z`, status: 'active', installments: [{ dueDate: opts.today, amountMinor: 54_315, paidMinor: 0, status: 'due' }, { dueDate: opts.today, amountMinor: 54_315, paidMinor: 0, status: 'due' }] },
          installmentIndex: 0,
        }
      : {}),
  });
}
