// Request limits of the HTTP routes. Pure constants: the browser's tRPC client imports them too,
// so it splits its batches exactly where the server would refuse them.

/**
 * Calls in one tRPC batch. A page fires a handful of queries at once; the client splits larger
 * batches itself (httpBatchLink `maxItems`). Ten calls of the largest answers (a catalog page of
 * 200 images, a template of 512 KiB) stay within a few MB, where 700 calls returned 71 MB.
 */
export const MAX_BATCH_CALLS = 10;

/**
 * Bytes of one tRPC request body. The largest legitimate body is a template save: at most
 * 512 Ki UTF-16 units (server/api/schemas/templates.ts), i.e. at most 1.5 MiB of UTF-8 when
 * every character is CJK, plus the JSON envelope.
 */
export const MAX_TRPC_BODY_BYTES = 2 * 1024 * 1024;

/** Bytes of one better-auth request body (an e-mail and a password, a name). */
export const MAX_AUTH_BODY_BYTES = 64 * 1024;
