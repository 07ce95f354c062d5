import { expect, it } from 'vitest';
import { MAX_HAND_OVERS, nextHandOver } from '../../shared/imports/hand-over';

it('an import hands over to a new invocation with the chain counted, and stops before Lambda would stop it as a recursive loop (16 in a row)', () => {
  expect(nextHandOver(0)).toEqual({ handOver: true, hop: 1 });
  expect(nextHandOver(MAX_HAND_OVERS - 1)).toEqual({ handOver: true, hop: MAX_HAND_OVERS });
  expect(nextHandOver(MAX_HAND_OVERS)).toEqual({ handOver: false });
  // The chain's invocations (the first and every hand-over) stay under Lambda's 16, with room for its two retries.
  expect(MAX_HAND_OVERS + 1 + 2).toBeLessThanOrEqual(16);
});
