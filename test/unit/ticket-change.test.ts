import { describe, expect, it } from 'vitest';
import { ticketChange } from '../../shared/domain/ticket-change';
import { ticketTitle, type Ticket } from '../../shared/schemas/ticket';

const ticket: Ticket = {
  ticketId: 'ticket-1',
  clientId: 'cl_1',
  caseId: 'case-1',
  debtorName: 'Lena Park',
  title: 'Investigate the dispute',
  status: 'open',
  assignee: 'ops@agency.example',
  createdAt: '2026-01-20T09:00:00.000Z',
  updatedAt: '2026-01-20T09:00:00.000Z',
  version: 2,
};

describe('ticketChange', () => {
  it('says what changed, before and after, and who did it', () => {
    const change = ticketChange(ticket, { status: 'done', note: 'paid by the employer' }, 'olivia@northwind.example');
    expect(change).toEqual({
      ticket: { ...ticket, status: 'done', note: 'paid by the employer', updatedBy: 'olivia@northwind.example' },
      changes: { status: { from: 'open', to: 'done' }, note: { from: null, to: 'paid by the employer' } },
      said: 'marked done, noted',
    });
  });

  it('null clears the assignee; an absent field stays', () => {
    const change = ticketChange(ticket, { assignee: null }, 'admin token');
    expect(change?.ticket.assignee).toBeUndefined();
    expect(change?.ticket.status).toBe('open');
    expect(change?.said).toBe('unassigned');
  });

  it('a patch that changes nothing is no change', () => {
    expect(ticketChange(ticket, { status: 'open', assignee: 'ops@agency.example' }, 'admin token')).toBeUndefined();
    expect(ticketChange(ticket, {}, 'admin token')).toBeUndefined();
    expect(ticketChange(ticket, { note: null }, 'admin token')).toBeUndefined();
  });
});

describe('ticketTitle', () => {
  it('is one line of at most 200 characters, never empty', () => {
    expect(ticketTitle('Call\nthe\u0000employer\t now')).toBe('Call the employer now');
    expect(ticketTitle('x'.repeat(300))).toHaveLength(200);
    expect(ticketTitle(' \n ')).toBe('follow up the case');
  });
});
