import { asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { AppError } from '@/server/lib/errors';
import { deriveKey, seal, unseal } from '@/server/lib/secrets';
import { recordAudit, SYSTEM } from '../audit/record-audit';

export interface RotateResult {
  /** Accounts whose keys were re-encrypted. */
  accounts: string[];
}

/**
 * Re-encrypts every sealed value (the cloud accounts' key ids and secrets) from one
 * CONSOLE_SECRET_KEY to another, in one transaction with the rows locked: all of them or none.
 * Refuses, changing nothing, when any value does not open with `from` (a wrong old key would
 * otherwise leave a mix of keys). Audited as the system (it runs from a shell, not a session).
 */
export async function rotateSecretKey(db: Db, opts: { from: string; to: string }): Promise<RotateResult> {
  if (opts.from === opts.to) throw new AppError('BAD_REQUEST', { userMessage: 'The old and the new key are the same.' });
  const fromKey = deriveKey(opts.from);
  const toKey = deriveKey(opts.to);
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: tables.cloudAccounts.id, name: tables.cloudAccounts.name, keyIdSealed: tables.cloudAccounts.keyIdSealed, secretSealed: tables.cloudAccounts.secretSealed })
      .from(tables.cloudAccounts)
      .orderBy(asc(tables.cloudAccounts.name))
      .for('update');
    const opened: { id: string; name: string; keyId: string; secret: string }[] = [];
    const refused: string[] = [];
    for (const r of rows) {
      try {
        opened.push({ id: r.id, name: r.name, keyId: unseal(r.keyIdSealed, fromKey), secret: unseal(r.secretSealed, fromKey) });
      } catch {
        refused.push(r.name);
      }
    }
    if (refused.length > 0) {
      throw new AppError('BAD_REQUEST', {
        userMessage: `Nothing was changed: the keys of ${refused.join(', ')} do not open with the old key given (--from).`,
      });
    }
    for (const a of opened) {
      await tx
        .update(tables.cloudAccounts)
        .set({ keyIdSealed: seal(a.keyId, toKey), secretSealed: seal(a.secret, toKey) })
        .where(eq(tables.cloudAccounts.id, a.id));
    }
    // An operator at a shell, not a signed-in user: the system.
    await recordAudit(tx, SYSTEM, {
      action: 'secrets.rotate',
      targetType: 'secret_key',
      targetId: 'CONSOLE_SECRET_KEY',
      details: { accounts: opened.map((a) => a.name) },
    });
    return { accounts: opened.map((a) => a.name) };
  });
}
