/**
 * Runs the import handler once in its own process, so a test can have it die part-way like a
 * Lambda that is killed. Reads the S3 event from CHILD_EVENT and virtual "now" from CHILD_NOW;
 * the endpoints come from the environment the test stack set. With CHILD_KILL_AFTER_BATCH_WRITES=n
 * the process SIGKILLs itself right after its n-th BatchWriteItem returns: a crash in the middle
 * of a chunk, with some of the chunk's items written and the checkpoint not yet saved.
 */
import '../../infra/local/polyfills';
import { useClock } from '../../shared/adapters/clock';
import { dynamo } from '../../shared/adapters/dynamo/client';
import { VirtualClock } from '../../infra/local/virtual-clock';

useClock(new VirtualClock(new Date(process.env.CHILD_NOW!)));
const killAfter = Number(process.env.CHILD_KILL_AFTER_BATCH_WRITES ?? 0);
if (killAfter > 0) {
  const doc = dynamo();
  const send = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
  let writes = 0;
  (doc as unknown as { send: unknown }).send = async (...args: unknown[]) => {
    const out = await send(...args);
    if ((args[0] as object).constructor.name === 'BatchWriteCommand' && ++writes === killAfter) process.kill(process.pid, 'SIGKILL');
    return out;
  };
}
const { handler } = await import('../../functions/import-csv/handler');
await handler(JSON.parse(process.env.CHILD_EVENT!), { getRemainingTimeInMillis: () => 900_000 });
