import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns';

// Failed sign-ins (and wrong current passwords) per account and per client address, kept
// in the database so every console process sees the same counts and a restart forgets none.
// `key` is `account:<e-mail>` or `address:<ip>`; rows exist for e-mails that have no user
// too, so a lock-out says nothing about whether an account exists.
export const signInThrottles = pgTable(
  'sign_in_throttles',
  {
    key: text('key').primaryKey(),
    // Attempts in the current streak, counted before the password is checked (so parallel
    // guesses cannot all slip through) and forgotten after a quiet period.
    failures: integer('failures').notNull().default(0),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [index('sign_in_throttles_last_attempt_at_idx').on(t.lastAttemptAt)],
);
