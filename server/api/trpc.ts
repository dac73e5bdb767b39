import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { getDatabase, type Db } from '@/server/services/database';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { APP_ERROR_CODES, AppError } from '@/server/lib/errors';
import { logger } from '@/server/lib/logger';
import { can, type Actor, type Permission } from '@/server/lib/permissions';

export interface Context {
  db: Db;
  actor: Actor | null;
  /** The caller's session, when the call came over HTTP with a session cookie. */
  sessionId?: string | null;
}

export async function createContextFromHeaders(headers: Headers): Promise<Context> {
  const { db } = await getDatabase();
  const user = await getSessionUser(headers);
  return { db, actor: user?.actor ?? null, sessionId: user?.sessionId ?? null };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const app = cause instanceof AppError ? cause : null;
    return {
      ...shape,
      // Unknown errors are masked: their text may carry SQL, hosts or keys.
      message: error.code === 'INTERNAL_SERVER_ERROR' && !app ? 'Internal error; it has been logged.' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: app?.code ?? null,
        details: app?.details ?? null,
        fieldErrors: cause instanceof ZodError ? z.flattenError(cause).fieldErrors : null,
      },
    };
  },
});

// The one place where AppError becomes a tRPC error.
const convertErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: APP_ERROR_CODES[cause.code], message: cause.userMessage, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: result.error.cause ?? result.error, path }, 'procedure failed');
  }
  return result;
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

const base = t.procedure.use(convertErrors);

/** Signed-in users holding `permission`; nothing in this API is public (sign-in is better-auth's route). */
export function procedureFor(permission: Permission) {
  return base.use(({ ctx, next }) => {
    if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
    if (!can(ctx.actor.role, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${ctx.actor.role}) may not do this.` });
    }
    return next({ ctx: { ...ctx, actor: ctx.actor } });
  });
}

export const readProcedure = procedureFor('read');
/** Changes that only touch the caller's own account (language, time zone): every role may. */
export const selfProcedure = procedureFor('read');
export const templateWriteProcedure = procedureFor('template.write');
export const adminProcedure = procedureFor('admin');
