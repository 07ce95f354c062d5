import { sendStarts, type StartMessage } from '../../shared/adapters/start-queue';

/** A function body that queues workflow starts, bundled and run as a local function would be. */
export async function handler(event: { messages: StartMessage[] }): Promise<string> {
  await sendStarts(event.messages);
  return 'queued';
}
