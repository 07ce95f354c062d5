import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/function-catalog';
import { CONSOLE_PORT_ENV, PORT_ENV } from '../../infra/local/ports';
import { SFN_PORT_ENV } from '../../infra/local/step-functions/plugin';
import { OUTBOX_PORT_ENV } from '../../infra/local/outbox/plugin';

/** Every port variable `npm start` reads, each set to 0: a listener added to the lists gets a free port too. */
export const FREE_PORT_ENV: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([...Object.values(PORT_ENV), CONSOLE_PORT_ENV, SFN_PORT_ENV, OUTBOX_PORT_ENV].map((name) => [name, '0'])),
);

export interface RecoupProcessOptions {
  /** Node options before the entry (for example `--heapsnapshot-signal=SIGUSR2`). */
  nodeArgs?: string[];
  /** How long the start may take (a first start builds the console). @default 60 s */
  startTimeoutMs?: number;
  /** Every line the process prints, as it prints it. */
  onOutput?: (chunk: string) => void;
}

/**
 * `npm start`'s entry (tsx infra/local/start.ts) as a child process on free ports over `dataDir`;
 * resolves once it printed its URLs. tsx's loader runs in the same process (`node --import tsx`),
 * so a SIGKILL hits the stack itself, not a tsx parent that would leave it running.
 */
export async function startRecoup(dataDir: string, token: string, children: ChildProcess[], opts: RecoupProcessOptions = {}): Promise<{ child: ChildProcess; api: string; s3: string }> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', join(PROJECT_ROOT, 'infra/local/start.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RECOUP_DATA_DIR: dataDir,
      RECOUP_ADMIN_TOKEN: token,
      ...FREE_PORT_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), opts.startTimeoutMs ?? 60_000);
    let up = false;
    const onData = (d: Buffer) => {
      opts.onOutput?.(d.toString());
      if (up) return;
      out += d.toString();
      const api = /\bAPI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const s3 = /S3 \(s3rver\)[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (api && s3 && out.includes('Press Ctrl-C')) {
        up = true;
        clearTimeout(timer);
        resolve({ child, api, s3 });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${out}`));
    });
  });
}

/** SIGKILL, as the OOM killer or a closed laptop lid would end it; resolves once it has exited. */
export async function killRecoup(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
