import { z } from 'zod';
import { ROLES, type Role } from '@/server/lib/permissions';
import { safeString, ZEmail, ZTextId } from './common';
import { isTimeZone, LOCALES } from './locale';
import { ZNewPasswordOrEmpty } from './password';

export { ROLES, type Role };
export const ZRole = z.enum(ROLES);
export const ZLocale = z.enum(LOCALES);

export const ZCreateUserRequest = z.object({
  email: ZEmail,
  name: safeString({ min: 1, max: 100, trim: true }),
  role: ZRole,
  // Left empty, the server generates one and shows it once.
  password: ZNewPasswordOrEmpty.optional(),
});
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z.object({
  id: ZTextId,
  name: safeString({ min: 1, max: 100, trim: true }).optional(),
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
});
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZUserIdRequest = z.object({ id: ZTextId });

export const ZUpdatePreferencesRequest = z.object({
  locale: ZLocale.optional(),
  timeZone: safeString({ max: 64 }).refine(isTimeZone, 'Unknown time zone').optional(),
});
export type TUpdatePreferencesRequest = z.infer<typeof ZUpdatePreferencesRequest>;
