import type { Db } from '@/db';
import { purgeExpiredSessions } from '@/server/services/housekeeping/purge-sessions';
import { purgeUnattachedBlobs } from '@/server/services/templates/template-attachments';
import { logger } from '@/server/lib/logger';
import { QUEUES } from '../queues';

export async function handlePurgeSessions(db: Db, data: unknown) {
  const payload = QUEUES['housekeeping.purge-sessions'].payload.parse(data);
  const purged = await purgeExpiredSessions(db);
  // Uploaded template files that no version attached (an editor closed without saving).
  const unattachedFiles = await purgeUnattachedBlobs(db);
  logger.info({ ...purged, unattachedFiles, reason: payload.reason }, 'purged expired sessions');
  return { ...purged, unattachedFiles };
}
