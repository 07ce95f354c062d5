import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from '../adapters/clock';
import { importLease } from '../adapters/dynamo/import-repository';

/** A lease outlives a stalled chunk by a wide margin; it is renewed after a chunk once a third of it is gone. */
export const LEASE_TTL_MS = 5 * 60_000;

/**
 * Waits for the client's import lease (one writer per client: another import of the same client
 * finishes, or its lease lapses), polling with backoff while `mayWait(ms)` says this invocation
 * can afford that wait. `taken` when it holds the lease; `busy` with the holder when it gave up.
 */
export async function waitForLease(clientId: string, importId: string, mayWait: (ms: number) => boolean): Promise<{ taken: true } | { taken: false; holder: string }> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    const lease = await importLease.acquire(clientId, importId, clock().now(), LEASE_TTL_MS);
    if (lease.ok) return { taken: true };
    if (!mayWait(wait)) return { taken: false, holder: lease.holder };
    await sleep(wait);
  }
}

/** Keeps the lease of a running import: renewed once a third of its life is gone, not per chunk (a chunk takes about a second). */
export class LeaseRenewal {
  private renewedAt = clock().now().getTime();

  constructor(
    private readonly clientId: string,
    private readonly importId: string,
  ) {}

  async renewIfDue(): Promise<void> {
    const now = clock().now();
    if (now.getTime() - this.renewedAt < LEASE_TTL_MS / 3) return;
    await importLease.acquire(this.clientId, this.importId, now, LEASE_TTL_MS);
    this.renewedAt = now.getTime();
  }
}
