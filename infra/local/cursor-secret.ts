import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key the local stack gives the paginating functions to sign cursors with (on AWS a Secrets
 * Manager secret): random per data folder and kept in it, so cursors handed out before a restart
 * still page on, and a fresh folder gets a fresh key.
 */
export function localCursorSecret(dataDir: string): string {
  const file = join(dataDir, 'cursor-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
