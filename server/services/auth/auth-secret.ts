import { env } from '@/server/env';
import { persistedSecret } from '@/server/lib/persisted-secret';

/** Signs sessions; must survive restarts. */
export const authSecret = (): string => persistedSecret('auth-secret', env().AUTH_SECRET);
