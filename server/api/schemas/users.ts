import { z } from 'zod';
import { ROLES, type Role } from '@/server/lib/permissions';
import { isTimeZone, LOCALES } from './locale';
import { ZNewPasswordOrEmpty } from './password';

export { ROLES, type Role };
export const ZRole = z.enum(ROLES);
export const ZLocale = z.enum(LOCALES);

export const ZCreateUserRequest = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(100),
  role: ZRole,
  // Left empty, the server generates one and shows it once.
  password: ZNewPasswordOrEmpty.optional(),
});
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(100).optional(),
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
});
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZUserIdRequest = z.object({ id: z.string().min(1) });

export const ZUpdatePreferencesRequest = z.object({
  locale: ZLocale.optional(),
  timeZone: z.string().refine(isTimeZone, 'Unknown time zone').optional(),
});
export type TUpdatePreferencesRequest = z.infer<typeof ZUpdatePreferencesRequest>;
