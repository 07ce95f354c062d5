import { continueInNewInvocation } from '../adapters/import-continuation';
import type { RunOptions } from './import-outcome';

/**
 * Lambda stops a recursive loop: "If the same function is invoked more than 16 times in the same
 * chain of requests, Lambda automatically stops the next function invocation in that request
 * chain" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion), and an import's
 * self-invocations are such a chain. An import hands over to a new invocation at most this many
 * times in one chain, leaving room for Lambda's own retries; each invocation first uses its own
 * 15 minutes (rows, or waiting for the client's lease), so the chain is hours long.
 */
export const MAX_HAND_OVERS = 10;

/** Thrown instead of a hand-over that would make the chain too long: the import is recorded failed, resumable. */
export class HandOverLimitError extends Error {
  override name = 'HandOverLimit';
}

/** What this invocation does next: hand over as the chain's `hop`-th self-invocation, or stop (the chain is long enough). */
export function nextHandOver(hop: number): { handOver: true; hop: number } | { handOver: false } {
  return hop + 1 > MAX_HAND_OVERS ? { handOver: false } : { handOver: true, hop: hop + 1 };
}

/** Goes on in a new invocation of the import function, or throws HandOverLimitError saying `why` it could not finish in this chain. */
export async function handOver(target: { bucket: string; key: string; etag: string; importId: string }, opts: RunOptions, why: string): Promise<void> {
  const next = nextHandOver(opts.hop ?? 0);
  if (!next.handOver) {
    throw new HandOverLimitError(`${why}, through ${MAX_HAND_OVERS + 1} invocations in a row; it does not invoke itself again, as Lambda would stop a longer chain as a recursive loop`);
  }
  await continueInNewInvocation({ source: 'recoup.import', action: 'continue', ...target, hop: next.hop }, opts.functionName);
}
