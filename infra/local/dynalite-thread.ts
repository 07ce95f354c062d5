import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * dynalite on its own thread. The handlers' SDK calls and dynalite's request handling
 * (JSON parsing, expression evaluation, LevelDB) then run on two cores instead of taking
 * turns on one: the local stack is CPU-bound, and on a laptop this is most of the speed of
 * a long virtual-time run. It is the same dynalite server on the same port, only in a
 * worker thread; its options are passed through unchanged.
 */
export interface DynaliteThread {
  port: number;
  stop(): Promise<void>;
}

// CommonJS, as eval'd worker code is; dynalite's path comes from here so resolution does not
// depend on the working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalitePath);
const server = dynalite(workerData.options);
server.once('error', (e) => parentPort.postMessage({ type: 'error', code: e.code, message: e.message }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'stop') server.close(() => parentPort.postMessage({ type: 'stopped' }));
});
`;

export function startDynaliteThread(port: number, options: Record<string, unknown>): Promise<DynaliteThread> {
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dynalitePath, port, options } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { type: string; port?: number; code?: string; message?: string }) => {
      if (m.type === 'error') {
        void worker.terminate();
        // Keeps the code (EADDRINUSE) so the caller can say which port is taken.
        reject(Object.assign(new Error(m.message), { code: m.code }));
      }
      if (m.type === 'listening') resolve({ port: m.port!, stop: () => stopThread(worker) });
    });
  });
}

function stopThread(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const done = () => void worker.terminate().then(() => resolve());
    worker.on('message', (m: { type: string }) => m.type === 'stopped' && done());
    worker.once('exit', () => resolve());
    worker.postMessage('stop');
  });
}
