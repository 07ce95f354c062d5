import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/function-catalog';

/**
 * `npm start`'s entry (tsx infra/local/start.ts) as a child process on free ports over `dataDir`;
 * resolves once it printed its URLs. tsx's loader runs in the same process (`node --import tsx`),
 * so a SIGKILL hits the stack itself, not a tsx parent that would leave it running.
 */
export async function startRecoup(dataDir: string, token: string, children: ChildProcess[]): Promise<{ child: ChildProcess; api: string; s3: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'infra/local/start.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RECOUP_DATA_DIR: dataDir,
      RECOUP_ADMIN_TOKEN: token,
      RECOUP_API_PORT: '0',
      RECOUP_S3_PORT: '0',
      RECOUP_DYNAMO_PORT: '0',
      RECOUP_SES_PORT: '0',
      RECOUP_AUTH_PORT: '0',
      RECOUP_CONSOLE_PORT: '0',
      RECOUP_SFN_PORT: '0',
      RECOUP_OUTBOX_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const api = /\bAPI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const s3 = /S3 \(s3rver\)[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (api && s3 && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, api, s3 });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
  });
}

/** SIGKILL, as the OOM killer or a closed laptop lid would end it; resolves once it has exited. */
export async function killRecoup(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
