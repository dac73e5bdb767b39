import { env } from '@/server/env';
import { persistedSecret } from '@/server/lib/persisted-secret';
import { deriveKey, seal, unseal } from '@/server/lib/secrets';

let key: Buffer | undefined;
function currentKey(): Buffer {
  key ??= deriveKey(persistedSecret('secret-key', env().CONSOLE_SECRET_KEY));
  return key;
}

/** Cloud keys go into the database only through here. */
export const sealSecret = (plain: string): string => seal(plain, currentKey());
/** Only where a cloud call is about to be made. */
export const unsealSecret = (sealed: string): string => unseal(sealed, currentKey());

/** Whether a stored value opens with the current key (the start-up check and the Clouds page banner). */
export function opensWithCurrentKey(sealed: string): boolean {
  try {
    unseal(sealed, currentKey());
    return true;
  } catch {
    return false;
  }
}
