import { asc } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { userColumns } from './user-dto';

export async function findUsers(db: Db) {
  return db.select(userColumns).from(tables.users).orderBy(asc(tables.users.email));
}
