import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '@/server/env';

/**
 * A secret from the environment, or else one generated once and kept beside the data
 * (mode 0600) so restarts keep working. Shared deployments should pass it in the environment.
 */
export function persistedSecret(fileName: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.resolve(env().CONSOLE_DATA_DIR, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // Owner-only, like the rest of the data folder (db/private-dir.ts fixes older folders at open).
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
