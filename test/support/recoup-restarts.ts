import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startRecoup } from './recoup-process';

/**
 * `npm start` run, killed and started again on one data folder of its own, for a test file: each
 * call of the function returned starts a new process on that folder. After the file, any process still running is killed
 * and the folder removed.
 */
export function recoupOnOneDataFolder(name: string, token: string): () => ReturnType<typeof startRecoup> {
  const dataDir = mkdtempSync(join(tmpdir(), `recoup-${name}-`));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  return () => startRecoup(dataDir, token, children);
}
