import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(human: boolean) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const logger = createLogger({ level: 'info', human, destination: out });
  return { logger, text: () => text };
}

describe('the logger', () => {
  it('writes one human line per event on a terminal, with secrets redacted', () => {
    const { logger, text } = capture(true);
    logger.info({ accounts: 2, password: 'hunter2-hunter2' }, 'sandbox cloud accounts added');
    const line = text();
    expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: sandbox cloud accounts added \{.*"accounts":2/);
    expect(line).not.toContain('hunter2');
    expect(line).toContain('[redacted]');
    expect(() => JSON.parse(line)).toThrow();
    expect(line.trim().split('\n')).toHaveLength(1);
  });

  it('writes JSON when the output is not a terminal', async () => {
    const { logger, text } = capture(false);
    logger.warn({ port: 4600, secret: 's3cr3t' }, 'sandbox port busy');
    await new Promise((r) => setTimeout(r, 20));
    const entry = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 40, msg: 'sandbox port busy', port: 4600, secret: '[redacted]' });
  });
});
