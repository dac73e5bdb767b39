import type { DbOrTx } from '@/db';
import { logger } from '@/server/lib/logger';
import { findUndecryptableAccounts } from './find-undecryptable-accounts';

/**
 * The start-up check of the console and the worker: one clear log line naming the accounts whose
 * stored keys the current CONSOLE_SECRET_KEY cannot open, and how to fix it. The process goes
 * on (the other accounts work); the Clouds page shows the same through cloudAccount.keyStatus.
 */
export async function warnUndecryptableAccounts(db: DbOrTx): Promise<string[]> {
  const { undecryptable } = await findUndecryptableAccounts(db);
  const names = undecryptable.map((a) => a.name);
  if (names.length > 0) {
    logger.error(
      { accounts: names },
      `the stored keys of cloud account(s) ${names.join(', ')} cannot be decrypted with the current CONSOLE_SECRET_KEY: ` +
        'start with the key they were saved with, or re-encrypt them with `npm run secrets -- rotate --from OLD --to NEW` ' +
        '(or re-enter the keys of those accounts on the Clouds page)',
    );
  }
  return names;
}
