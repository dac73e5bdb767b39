import { z } from 'zod';

// Every queue, its payload schema, and how it is kept. Handlers parse with these schemas,
// so a malformed job fails loudly instead of half-running.
export const QUEUES = {
  'housekeeping.purge-sessions': {
    payload: z.object({ reason: z.enum(['schedule', 'manual']).default('schedule') }),
    // Hourly is enough: expired sessions are already refused; this only reclaims rows.
    cron: '17 * * * *',
  },
  'inventory.sync': {
    payload: z.object({
      accountId: z.string().uuid(),
      regions: z.union([z.literal('all'), z.array(z.string()).min(1)]),
      trigger: z.enum(['schedule', 'manual', 'account-created']),
      requestedBy: z.string().optional(),
    }),
    cron: undefined,
  },
  // Every few minutes: enqueue the accounts whose sync interval has passed.
  'inventory.schedule': {
    payload: z.object({}).default({}),
    cron: '*/5 * * * *',
  },
} as const;

export type QueueName = keyof typeof QUEUES;
export type QueuePayload<Q extends QueueName> = z.input<(typeof QUEUES)[Q]['payload']>;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
