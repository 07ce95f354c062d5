import { normaliseCaseNumber, normaliseName } from '../../domain/normalise';

/**
 * Key layout of the single table. See ACCESS-PATTERNS.md beside this file for why.
 * Every item has `pk`, `sk` and `type`; list views use GSI1 and GSI2 (sparse).
 */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

/**
 * Case search: one sparse index per field a case is found by, keyed `CLIENT#<clientId>#<FIELD>` /
 * `<normalised value>#<caseId>`, so a prefix of the value is one bounded Query (begins_with).
 */
export const SEARCH_INDEXES = {
  name: { indexName: 'search-name', partitionKey: 'sname_pk', sortKey: 'sname_sk' },
  email: { indexName: 'search-email', partitionKey: 'semail_pk', sortKey: 'semail_sk' },
  phone: { indexName: 'search-phone', partitionKey: 'sphone_pk', sortKey: 'sphone_sk' },
  caseNumber: { indexName: 'search-case-number', partitionKey: 'sccn_pk', sortKey: 'sccn_sk' },
} as const;
export type SearchField = keyof typeof SEARCH_INDEXES;

/** A search value in the form its index holds (digits only for a phone), or undefined when it has none. */
export const searchValue: Record<SearchField, (v: string | undefined) => string | undefined> = {
  name: (v) => normaliseName(v),
  email: (v) => v?.trim().toLowerCase() || undefined,
  phone: (v) => v?.replace(/\D/g, '') || undefined,
  caseNumber: (v) => normaliseCaseNumber(v),
};

export const keys = {
  businessEntity: (id: string) => ({ pk: `ENTITY#${id}`, sk: 'ENTITY' }),
  /** All business entities, oldest first, on GSI1. */
  businessEntityList: (createdAt: string, id: string) => ({ gsi1pk: 'ENTITIES', gsi1sk: `${createdAt}#${id}` }),
  client: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }),
  /** All clients, newest last, on GSI1. */
  clientList: (createdAt: string, id: string) => ({ gsi1pk: 'CLIENTS', gsi1sk: `${createdAt}#${id}` }),
  case: (id: string) => ({ pk: `CASE#${id}`, sk: 'CASE' }),
  /** A case's entries in the search indexes: only for the fields it has, so they stay sparse. */
  caseSearch(clientId: string, caseId: string, values: Record<SearchField, string | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of Object.keys(SEARCH_INDEXES) as SearchField[]) {
      const value = searchValue[field](values[field]);
      if (!value) continue;
      const index = SEARCH_INDEXES[field];
      out[index.partitionKey] = searchPartition(clientId, field);
      out[index.sortKey] = `${value}#${caseId}`;
    }
    return out;
  },
  /** A client's cases on GSI1 (all) and GSI2 (by phase). */
  caseLists: (clientId: string, phase: string, createdAt: string, caseId: string) => ({
    gsi1pk: `CLIENT#${clientId}#CASES`,
    gsi1sk: `${createdAt}#${caseId}`,
    gsi2pk: `CLIENT#${clientId}#PHASE#${phase}`,
    gsi2sk: `${createdAt}#${caseId}`,
  }),
  /**
   * A communication on its client's lists, newest first: GSI1 (all of the client's) and GSI2 (in
   * one status; the key moves with the status, as a case's phase key does).
   */
  communicationLists: (clientId: string, status: string, at: string, caseId: string, key: string) => ({
    gsi1pk: `CLIENT#${clientId}#COMMS`,
    gsi1sk: `${at}#${caseId}#${key}`,
    gsi2pk: `CLIENT#${clientId}#COMMS#${status}`,
    gsi2sk: `${at}#${caseId}#${key}`,
  }),
  ticket: (id: string) => ({ pk: `TICKET#${id}`, sk: 'TICKET' }),
  /** A ticket on its client's list in its status (GSI1) and on the agency's queue in its status (GSI2); both move with the status. */
  ticketLists: (clientId: string, status: string, createdAt: string, id: string) => ({
    gsi1pk: `CLIENT#${clientId}#TICKETS#${status}`,
    gsi1sk: `${createdAt}#${id}`,
    gsi2pk: `TICKETS#${status}`,
    gsi2sk: `${createdAt}#${id}`,
  }),
  import: (id: string) => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' }),
  importList: (clientId: string, createdAt: string, id: string) => ({
    gsi1pk: `CLIENT#${clientId}#IMPORTS`,
    gsi1sk: `${createdAt}#${id}`,
  }),
  /** What a client's skip-trace lookups cost so far, one counter item per currency (see enrichment-spend.ts). */
  enrichmentSpend: (clientId: string, currency: string) => ({ pk: `CLIENT#${clientId}`, sk: `ENRICHMENT-SPEND#${currency}` }),
  apiKey: (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  /** A client's API keys on GSI1, oldest first. */
  apiKeyList: (clientId: string, createdAt: string, keyId: string) => ({ gsi1pk: `CLIENT#${clientId}#APIKEYS`, gsi1sk: `${createdAt}#${keyId}` }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  /** Every user on GSI1 (oldest first); a client's users on GSI2. */
  userLists: (createdAt: string, userId: string, clientId?: string) => ({
    gsi1pk: 'USERS',
    gsi1sk: `${createdAt}#${userId}`,
    ...(clientId ? { gsi2pk: `CLIENT#${clientId}#USERS`, gsi2sk: `${createdAt}#${userId}` } : {}),
  }),
} as const;

/**
 * Counter items (see counters.ts): a client's results live in its own partition beside the
 * client item; the operations figures are spread over OPERATIONS_SHARDS items (one picked at
 * random per write) so a burst of sends or starts does not make one item hot.
 */
export const OPERATIONS_SHARDS = 8;
export const counterKeys = {
  resultsTotals: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'RESULTS' }),
  resultsMoney: (clientId: string, currency: string) => ({ pk: `CLIENT#${clientId}`, sk: `RESULTS#${currency}` }),
  resultsMonth: (clientId: string, currency: string, month: string) => ({ pk: `CLIENT#${clientId}`, sk: `RESULTS#${currency}#${month}` }),
  operations: (shard: number) => ({ pk: `OPERATIONS#${shard}`, sk: 'COUNTERS' }),
} as const;

export const searchPartition = (clientId: string, field: SearchField) => `CLIENT#${clientId}#${field.toUpperCase()}`;

export const KEY_ATTRIBUTES = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', ...Object.values(SEARCH_INDEXES).flatMap((i) => [i.partitionKey, i.sortKey])] as const;

/** Removes key attributes so only the domain record leaves the repository. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

/** Items that live in a case's partition: the case itself, its timeline and its communications. */
export const caseChildKeys = {
  timeline: (caseId: string, at: string, unique: string) => ({ pk: `CASE#${caseId}`, sk: `EVT#${at}#${unique}` }),
  communication: (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `COMM#${key}` }),
} as const;
