import { env } from '@/server/env';
import { persistedSecret } from '@/server/lib/persisted-secret';
import { deriveKey, seal, unseal } from '@/server/lib/secrets';

let key: Buffer | undefined;
function currentKey(): Buffer {
  key ??= deriveKey(persistedSecret('secret-key', env().CONSOLE_SECRET_KEY));
  return key;
}

/** The stored keys were sealed with another CONSOLE_SECRET_KEY (or damaged): no cloud call can be made. */
export class SecretUnreadableError extends Error {
  constructor(cause: unknown) {
    super('The stored cloud keys cannot be decrypted with the current CONSOLE_SECRET_KEY', { cause });
    this.name = 'SecretUnreadableError';
  }
}

/** Cloud keys go into the database only through here. */
export const sealSecret = (plain: string): string => seal(plain, currentKey());
/** Only where a cloud call is about to be made. */
export function unsealSecret(sealed: string): string {
  try {
    return unseal(sealed, currentKey());
  } catch (err) {
    throw new SecretUnreadableError(err);
  }
}

/** Whether a stored value opens with the current key (the start-up check and the Clouds page banner). */
export function opensWithCurrentKey(sealed: string): boolean {
  try {
    unseal(sealed, currentKey());
    return true;
  } catch {
    return false;
  }
}
