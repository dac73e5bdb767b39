import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z, type core } from 'zod';
import { checkAppErrorDetails, type TAppErrorData, type TInputIssue } from '@/server/api/schemas/errors';
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

function inputIssues(error: ZodError): TInputIssue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message }));
}

/** "search: Must not contain NUL characters (U+0000)": the refused fields, by name, for any API client. */
function describeInputIssues(issues: readonly core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => {
    const path = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');
    return `${path || 'input'}: ${i.message}`;
  });
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return `Invalid input: ${shown.join('; ')}${more}`;
}

/** The details of an AppError as its code's schema declares them; anything else is a bug, logged and not sent. */
function detailsOf(app: AppError): TAppErrorData['details'] {
  const checked = checkAppErrorDetails(app.code, app.details);
  if (checked !== 'mismatch') return checked;
  logger.error({ code: app.code }, 'AppError details do not match their schema (server/api/schemas/errors.ts); not sent');
  return null;
}

/** The context of the server caller (server components), for a user the request already identified. */
export async function createContextForActor(actor: Actor): Promise<Context> {
  const { db } = await getDatabase();
  return { db, actor };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const app: AppError | null = cause instanceof AppError ? cause : null;
    const input = error.code === 'BAD_REQUEST' && cause instanceof ZodError ? cause : null;
    return {
      ...shape,
      // Unknown errors are masked: their text may carry SQL, hosts or keys.
      message: error.code === 'INTERNAL_SERVER_ERROR' && !app ? 'Internal error; it has been logged.' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: app?.code ?? null,
        // Parse on the client with appErrorOf (server/api/schemas/errors.ts).
        details: app ? detailsOf(app) : null,
        /** Refused input fields (path + message); parse on the client with inputIssuesOf. */
        issues: input ? inputIssues(input) : null,
        fieldErrors: input ? z.flattenError(input).fieldErrors : null,
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
      const app: AppError = cause;
      throw new TRPCError({ code: APP_ERROR_CODES[app.code], message: app.userMessage, cause });
    }
    // A refused input: name the fields in the message (zod's own is a JSON dump of its issues).
    if (result.error.code === 'BAD_REQUEST' && cause instanceof ZodError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: describeInputIssues(cause.issues), cause });
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
