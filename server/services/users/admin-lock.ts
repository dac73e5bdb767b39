import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db';

// One fixed key for "who is an enabled admin". Row locks on the user being changed are not
// enough: four admins demoting each other lock four different rows, each counts three other
// admins, and none is left. Every transaction that may add or remove an admin takes this lock
// first, so the "someone stays admin" check sees the others' commits.
const ADMIN_SET_LOCK = 7314202612;

/** Serialises changes to the set of admins until the surrounding transaction ends. */
export async function lockAdminSet(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(ADMIN_SET_LOCK))})`);
}
