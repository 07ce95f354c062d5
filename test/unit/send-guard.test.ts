import { describe, expect, it } from 'vitest';
import { guardSend, recipientFor } from '../../shared/domain/send-guard';
import type { Case } from '../../shared/schemas/case';

const base: Case = {
  caseId: 'c1',
  clientId: 'cl1',
  debtorId: 'd1',
  debtor: { type: 'person', name: 'Jane', email: 'jane@example.com', phone: '+447700900001', address: { line1: '1 Road', postcode: 'LS1 1AA' } },
  invoices: [],
  ledger: { currency: 'EUR', principalMinor: 1000, costsMinor: 0, interestMinor: 0, paidMinor: 0, annualRatePercent: 0 },
  phase: 'outreach',
  workflow: { kind: 'mainOutreach', executionName: 'c1-mainOutreach-1', seq: 1, startedAt: '2026-01-05T09:00:00.000Z' },
  progress: {},
  contactAllowed: {},
  version: 1,
  createdAt: '2026-01-05T09:00:00.000Z',
  updatedAt: '2026-01-05T09:00:00.000Z',
};
const intent = { channel: 'email' as const, kind: 'mainOutreach' as const, execution: 'c1-mainOutreach-1' };

describe('guardSend', () => {
  it('sends from the current run of the case phase, to the contact on the case', () => {
    expect(guardSend(base, intent)).toEqual({ send: true, recipient: 'jane@example.com' });
    expect(guardSend(base, { ...intent, channel: 'letter' })).toEqual({ send: true, recipient: '1 Road, LS1 1AA' });
    expect(guardSend(base, { ...intent, channel: 'ticket' })).toEqual({ send: true, recipient: undefined });
  });

  it.each([
    ['closed', { ...base, phase: 'closed', closedReason: 'paid_in_full' } as Case, intent, 'the case is closed (paid in full)'],
    ['on hold', { ...base, phase: 'on_hold', hold: { reason: 'dispute', since: '2026-01-06T00:00:00.000Z', fromPhase: 'outreach' } } as Case, intent, 'the case is on hold (dispute)'],
    ['another phase', { ...base, phase: 'payment_plan' } as Case, intent, 'the case is now in payment_plan, not in the mainOutreach workflow'],
    ['a stale run', base, { ...intent, execution: 'c1-mainOutreach-0' }, 'workflow run c1-mainOutreach-0 is no longer the case\'s current run (c1-mainOutreach-1)'],
    ['no email', { ...base, debtor: { ...base.debtor, email: undefined } } as Case, intent, 'no email address on the case'],
    ['no phone', { ...base, debtor: { ...base.debtor, phone: ' ' } } as Case, { ...intent, channel: 'call' as const }, 'no phone number on the case'],
    ['no address', { ...base, debtor: { ...base.debtor, address: { line1: '1 Road' } } } as Case, { ...intent, channel: 'letter' as const }, 'no postal address (line 1 and postcode or city) on the case'],
    ['contact refused', { ...base, contactAllowed: { sms: false } } as Case, { ...intent, channel: 'sms' as const }, 'the debtor may not be contacted by sms'],
  ])('skips when %s', (what, c, i, reason) => {
    // Only a refused channel is an opt-out (the results count those apart from other skips).
    expect(guardSend(c, i)).toEqual({ send: false, reason, ...(what === 'contact refused' ? { optedOut: true } : {}) });
  });

  it('lets the on-hold workflow send while on hold, and closure emails only once closed', () => {
    const held = { ...base, phase: 'on_hold', workflow: { ...base.workflow!, kind: 'onHold', executionName: 'c1-onHold-2' } } as Case;
    expect(guardSend(held, { channel: 'ticket', kind: 'onHold', execution: 'c1-onHold-2' }).send).toBe(true);
    expect(guardSend({ ...base, phase: 'closed' } as Case, { channel: 'email', afterClose: true }).send).toBe(true);
    expect(guardSend(base, { channel: 'email', afterClose: true })).toEqual({ send: false, reason: 'the case is not closed' });
  });

  it('sends a plan reminder only while its instalment is unpaid', () => {
    const plan = { agreedAt: '2026-01-05T09:00:00.000Z', status: 'active' as const, installments: [{ dueDate: '2026-02-01', amountMinor: 500, paidMinor: 500, status: 'paid' as const }, { dueDate: '2026-03-01', amountMinor: 500, paidMinor: 0, status: 'due' as const }] };
    const c = { ...base, phase: 'payment_plan', paymentPlan: plan, workflow: { ...base.workflow!, kind: 'paymentPlan', executionName: 'p' } } as Case;
    expect(guardSend(c, { channel: 'email', kind: 'paymentPlan', execution: 'p', reminderFor: 0 }).send).toBe(false);
    expect(guardSend(c, { channel: 'email', kind: 'paymentPlan', execution: 'p', reminderFor: 1 }).send).toBe(true);
  });

  it('recipientFor trims and needs line 1 plus postcode or city for letters', () => {
    expect(recipientFor({ debtor: { ...base.debtor, address: { line1: '1 Road', city: 'Leeds' } } }, 'letter')).toBe('1 Road, Leeds');
    expect(recipientFor({ debtor: { ...base.debtor, email: '  ' } }, 'email')).toBeUndefined();
  });
});
