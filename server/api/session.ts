import { cache } from 'react';
import { headers } from 'next/headers';
import { getSessionUser } from '@/server/services/auth/get-actor';

// Once per request, shared by the i18n config, layouts and the tRPC server caller.
export const getRequestUser = cache(async () => getSessionUser(await headers()));
