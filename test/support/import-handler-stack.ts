import { afterAll, beforeAll } from 'vitest';
import { startTestStack } from './local-stack';

/**
 * A stack for tests that run the import handler themselves, in this process, on chunks of
 * `chunkRows` (so a small file spans many chunks and checkpoints). The chunk size is set here,
 * before any config is read; the stack has no imports plugin, so an upload starts no import of
 * its own. Call at the top of the test file; the stack is there once `beforeAll` has run.
 */
export function importHandlerStack(chunkRows = 25): () => Awaited<ReturnType<typeof startTestStack>> {
  process.env.IMPORT_CHUNK_ROWS = String(chunkRows);
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  let stack: Awaited<ReturnType<typeof startTestStack>> | undefined;
  beforeAll(async () => {
    stack = await startTestStack({ plugins: [] });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => stack!;
}
