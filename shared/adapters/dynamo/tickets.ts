import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { nowIso } from '../clock';
import { config } from '../config';
import type { Ticket } from '../../schemas/ticket';
import { writeIf } from './client';
import type { Page } from './cursor';
import { GSI1, GSI2, keys } from './keys';
import { versionedStore } from './versioned-store';

const itemKeys = (t: Ticket) => ({ ...keys.ticket(t.ticketId), ...keys.ticketLists(t.clientId, t.status, t.createdAt, t.ticketId) });

/** Operators' tickets: one item each, on its client's list and the agency's queue by status. */
export const tickets = {
  /**
   * Opens the ticket unless one with its id exists: the id is derived from the step's send key,
   * so a retried step (its claim taken again after a failure) finds its ticket and opens no second.
   * Returns whether this call opened it.
   */
  open: (t: Ticket): Promise<boolean> =>
    writeIf(new PutCommand({ TableName: config().TABLE_NAME, Item: { ...t, ...itemKeys(t), type: 'ticket' }, ConditionExpression: 'attribute_not_exists(pk)' })),

  get: (id: string) => versionedStore.get<Ticket>('ticket', id, keys.ticket(id)),

  /** Replaces the ticket if still at `expectedVersion` (409 stale_version otherwise); its list keys follow its status. */
  replace: (t: Ticket, expectedVersion: number): Promise<Ticket> => versionedStore.replace('ticket', { ...t, updatedAt: nowIso() }, expectedVersion, itemKeys(t)),

  /** One page of a client's tickets in a status, newest first. */
  listByClient: (clientId: string, status: string, limit: number, cursor?: string): Promise<Page<Ticket>> =>
    versionedStore.queryPage<Ticket>({ index: GSI1, pkName: 'gsi1pk', pkValue: `CLIENT#${clientId}#TICKETS#${status}`, limit, cursor, ascending: false }),

  /** One page of the agency's queue across clients in a status, oldest first (the longest waiting on top). */
  queue: (status: string, limit: number, cursor?: string): Promise<Page<Ticket>> =>
    versionedStore.queryPage<Ticket>({ index: GSI2, pkName: 'gsi2pk', pkValue: `TICKETS#${status}`, limit, cursor, ascending: true }),
};
