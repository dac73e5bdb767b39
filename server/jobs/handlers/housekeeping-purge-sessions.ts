import type { Db } from '@/db';
import { purgeExpiredSessions } from '@/server/services/housekeeping/purge-sessions';
import { logger } from '@/server/lib/logger';
import { QUEUES } from '../queues';

export async function handlePurgeSessions(db: Db, data: unknown) {
  const payload = QUEUES['housekeeping.purge-sessions'].payload.parse(data);
  const purged = await purgeExpiredSessions(db);
  logger.info({ ...purged, reason: payload.reason }, 'purged expired sessions');
  return purged;
}
