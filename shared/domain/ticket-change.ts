import type { Ticket } from '../schemas/ticket';

export interface TicketPatch {
  status?: Ticket['status'];
  assignee?: string | null;
  note?: string | null;
}

/**
 * What a patch changes on a ticket: the ticket as it becomes, the fields changed (before and
 * after, for the case's timeline) and how the timeline says it; undefined when nothing changes.
 * null clears the assignee or the note; an absent field stays as it is.
 */
export function ticketChange(current: Ticket, patch: TicketPatch, by: string) {
  const next: Ticket = { ...current };
  const changes: Record<string, { from: string | null; to: string | null }> = {};
  for (const field of ['status', 'assignee', 'note'] as const) {
    const value = patch[field];
    if (value === undefined) continue;
    const from = current[field] ?? null;
    const to = value === null || value === '' ? null : value;
    if (from === to) continue;
    changes[field] = { from, to };
    if (to === null) delete next[field];
    else (next as Record<string, unknown>)[field] = to;
  }
  if (Object.keys(changes).length === 0) return undefined;
  const said = [
    changes.status ? (changes.status.to === 'done' ? 'marked done' : 'opened again') : undefined,
    changes.assignee ? (changes.assignee.to ? `assigned to ${changes.assignee.to}` : 'unassigned') : undefined,
    changes.note ? (changes.note.to ? 'noted' : 'note removed') : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return { ticket: { ...next, updatedBy: by }, changes, said };
}
