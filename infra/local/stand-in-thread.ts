import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IDLE_CONNECTION_MS } from './stand-ins';

/**
 * A stand-in (dynalite, SES local) on its own thread. The handlers' SDK calls and the
 * stand-ins' request handling (JSON parsing, expression evaluation, LevelDB, mail storage)
 * then run on two cores instead of taking turns on one: the local stack is CPU-bound, and
 * this is much of the speed of a long virtual-time run. It is the same server on the same
 * port, only in a worker thread. s3rver stays on the main thread: the import runner listens to
 * its events, and they must arrive before the PUT's answer does.
 */
export interface StandInThread {
  port: number;
  /** The thread's own heap (V8 counts each thread's heap apart; RSS is the process's). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /**
   * Starts keeping every request the stand-in answers (its X-Amz-Target, request and response
   * bodies), whichever function's SDK sent it; the returned function stops and hands them over.
   * Each local function has its own SDK clients in its own bundle, so the wire is the one place
   * that sees all of them.
   */
  record(): () => Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

export interface RecordedRequest {
  /** The operation, e.g. `DynamoDB_20120810.UpdateItem`. */
  target: string;
  input: string;
  output: string;
}

export type StandInKind = 'dynalite' | 'ses';

const MODULES: Record<StandInKind, string> = { dynalite: 'dynalite', ses: 'aws-ses-v2-local' };
const ITERATOR_PATCH = fileURLToPath(new URL('./level-iterators.cjs', import.meta.url));

// CommonJS, as eval'd worker code is; the module's path comes from here so resolution does
// not depend on the working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
for (const path of workerData.abstractLevelPaths || []) require(workerData.iteratorPatchPath).closeEndedIterators(require(path));
const mod = require(workerData.modulePath);
async function start() {
  if (workerData.kind === 'ses') {
    const server = await (mod.default || mod)({ host: '127.0.0.1', port: workerData.port });
    server.keepAliveTimeout = workerData.idleConnectionMs;
    return server;
  }
  const server = mod(workerData.options);
  server.keepAliveTimeout = workerData.idleConnectionMs;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(workerData.port, '127.0.0.1', resolve);
  });
  return server;
}
let recorded;
function record(server) {
  server.on('request', (req, res) => {
    if (!recorded) return;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    const end = res.end;
    res.end = function (body, ...rest) {
      if (recorded) recorded.push({ target: String(req.headers['x-amz-target'] || ''), input: Buffer.concat(chunks).toString('utf8'), output: body ? String(body) : '' });
      return end.call(this, body, ...rest);
    };
  });
}
start().then(
  (server) => {
    if (typeof server.on === 'function') record(server);
    parentPort.postMessage({ type: 'listening', port: server.address().port });
    parentPort.on('message', (m) => {
      if (m === 'memory') return parentPort.postMessage({ type: 'memory', usage: process.memoryUsage() });
      if (m === 'record') return void (recorded = []);
      if (m === 'recorded') {
        parentPort.postMessage({ type: 'recorded', requests: recorded || [] });
        return void (recorded = undefined);
      }
      if (m !== 'stop') return;
      server.close(() => parentPort.postMessage({ type: 'stopped' }));
      if (server.closeAllConnections) server.closeAllConnections();
    });
  },
  (e) => parentPort.postMessage({ type: 'error', code: e.code, message: e.message }),
);
`;

export function startStandInThread(kind: StandInKind, port: number, options: Record<string, unknown> = {}): Promise<StandInThread> {
  const modulePath = createRequire(import.meta.url).resolve(MODULES[kind]);
  // dynalite's store closes its iterators only once they have `return()` (see level-iterators.cjs).
  const levels = kind === 'dynalite' ? { abstractLevelPaths: abstractLevelsOf(modulePath), iteratorPatchPath: ITERATOR_PATCH } : {};
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kind, modulePath, port, options, idleConnectionMs: IDLE_CONNECTION_MS, ...levels } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { type: string; port?: number; code?: string; message?: string }) => {
      if (m.type === 'error') {
        void worker.terminate();
        // Keeps the code (EADDRINUSE) so the caller can say which port is taken.
        reject(Object.assign(new Error(m.message), { code: m.code }));
      }
      if (m.type === 'listening') {
        // A stand-in that dies later takes the local stack with it, saying so, rather than
        // leaving every request to fail with "connection refused".
        worker.off('error', reject);
        worker.on('error', (e) => {
          throw new Error(`the ${MODULES[kind]} stand-in stopped: ${e.message}. Restart with \`npm start\` (data is kept unless you pass --reset).`);
        });
        resolve({ port: m.port!, memory: () => threadMemory(worker), record: () => recordRequests(worker), stop: () => stopThread(worker) });
      }
    });
  });
}

/** The abstract-level copies under dynalite's stores (classic-level on disk, memory-level in memory). */
export function abstractLevelsOf(dynalitePath: string): string[] {
  const fromDynalite = createRequire(dynalitePath);
  return [...new Set(['classic-level', 'memory-level'].map((store) => createRequire(fromDynalite.resolve(store)).resolve('abstract-level')))];
}

function stopThread(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const done = () => void worker.terminate().then(() => resolve());
    worker.on('message', (m: { type: string }) => m.type === 'stopped' && done());
    worker.once('exit', () => resolve());
    worker.postMessage('stop');
  });
}

function recordRequests(worker: Worker): () => Promise<RecordedRequest[]> {
  worker.postMessage('record');
  return () =>
    new Promise((resolve) => {
      const onMessage = (m: { type: string; requests?: RecordedRequest[] }) => {
        if (m.type !== 'recorded') return;
        worker.off('message', onMessage);
        resolve(m.requests!);
      };
      worker.on('message', onMessage);
      worker.postMessage('recorded');
    });
}

function threadMemory(worker: Worker): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; usage?: NodeJS.MemoryUsage }) => {
      if (m.type !== 'memory') return;
      worker.off('message', onMessage);
      resolve(m.usage!);
    };
    worker.on('message', onMessage);
    worker.postMessage('memory');
  });
}
