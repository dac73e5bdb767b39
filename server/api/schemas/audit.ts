import { z } from 'zod';
import { boundedInt, ZSafeDate } from './common';

export const ZFindAuditRequest = z.object({
  limit: boundedInt(1, 200).default(50),
  before: ZSafeDate.optional(),
});
export type TFindAuditRequest = z.infer<typeof ZFindAuditRequest>;
