import pino from 'pino';
import { env } from '@/server/env';

// Field names that must never reach a log line, wherever they appear in an object.
const REDACT = ['password', 'secret', 'token', 'privateKey', 'secretKey', 'accessKey', 'authorization', 'cookie'];

export const logger = pino({
  level: env().LOG_LEVEL,
  redact: { paths: REDACT.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
  base: undefined,
});
