import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { env } from '@/server/env';

// Field names that must never reach a log line, wherever they appear in an object.
const REDACT = ['password', 'secret', 'token', 'privateKey', 'secretKey', 'accessKey', 'authorization', 'cookie'];

/**
 * Human lines ("[12:03:04] INFO: console ready") for a person at a terminal, one JSON object
 * per line otherwise (files, pipes, log collectors). pino-pretty runs as a synchronous stream
 * in this thread, not as a pino transport: a transport is a worker thread that Next's
 * bundling cannot resolve and that would lose the last lines on exit.
 */
export function createLogger(opts: { level: string; human: boolean; destination?: DestinationStream & NodeJS.WritableStream }): Logger {
  const options = {
    level: opts.level,
    redact: { paths: REDACT.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
    base: undefined,
  };
  if (!opts.human) return opts.destination ? pino(options, opts.destination) : pino(options);
  const stream = pretty({
    sync: true,
    colorize: pretty.isColorSupported && !opts.destination,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
    ...(opts.destination && { destination: opts.destination }),
  });
  return pino(options, stream);
}

export const logger = createLogger({ level: env().LOG_LEVEL, human: Boolean(process.stdout.isTTY) });
