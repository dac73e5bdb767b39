import { tables } from '@/db';

// The columns a user DTO is built from; password hashes live in `accounts` and are never selected.
export const userColumns = {
  id: tables.users.id,
  email: tables.users.email,
  name: tables.users.name,
  role: tables.users.role,
  disabled: tables.users.disabled,
  locale: tables.users.locale,
  timeZone: tables.users.timeZone,
  createdAt: tables.users.createdAt,
};
