// `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the PGlite folder) and exits.
import { getDatabase } from '@/db';

const database = await getDatabase();
await database.close();
console.log(`migrations applied (${database.driver})`);
