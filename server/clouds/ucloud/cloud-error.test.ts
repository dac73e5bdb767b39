import { describe, expect, it } from 'vitest';
import { CloudApiError, REDACTED, isNotFound, isThrottled, maskTail, redactParams } from '@/server/clouds/cloud-error';

const base = { provider: 'ucloud' as const, action: 'DescribeImage', retryable: false };

describe('CloudApiError', () => {
  it('formats the message with and without region and request id', () => {
    expect(new CloudApiError({ ...base, code: '171', retCode: 171, detail: 'Signature VerifyAC Error', region: 'cn-bj2', requestId: 'r-1' }).message).toBe(
      'UCloud DescribeImage failed in cn-bj2: [171] Signature VerifyAC Error (request id r-1)',
    );
    expect(new CloudApiError({ ...base, action: 'GetRegion', code: 'TIMEOUT', detail: 'no response within 10 ms' }).message).toBe(
      'UCloud GetRegion failed: [TIMEOUT] no response within 10 ms',
    );
    expect(new CloudApiError({ ...base, provider: 'aws', action: 'RunInstances', code: 'InvalidAMIID.NotFound', detail: 'gone', region: 'us-east-1' }).message).toBe(
      'AWS RunInstances failed in us-east-1: [InvalidAMIID.NotFound] gone',
    );
  });

  it('keeps the cause out of its JSON form', () => {
    const err = new CloudApiError({ ...base, code: 'NETWORK_ERROR', detail: 'fetch failed', cause: { secret: 'x' } });
    expect(err.cause).toEqual({ secret: 'x' });
    expect(JSON.stringify(err)).not.toContain('secret');
  });
});

describe('redactParams', () => {
  it('hides secrets wherever they sit and masks public keys to their last 4 characters', () => {
    const out = redactParams({
      PublicKey: 'sandbox-public-key',
      Signature: 'abc',
      Password: 'pw',
      PrivateKey: 'pk',
      SecurityToken: 'tok',
      DiskPassword: 'dpw',
      UserData: 'I2Nsb3VkLWNvbmZpZw==',
      'Foo.0.Password': 'nested-flat',
      Nested: { Password: 'deep', Keep: 1 },
      List: [{ Signature: 's' }],
      Zone: 'cn-bj2-02',
    });
    expect(out).toEqual({
      PublicKey: '…-key',
      Signature: REDACTED,
      Password: REDACTED,
      PrivateKey: REDACTED,
      SecurityToken: REDACTED,
      DiskPassword: REDACTED,
      UserData: REDACTED,
      'Foo.0.Password': REDACTED,
      Nested: { Password: REDACTED, Keep: 1 },
      List: [{ Signature: REDACTED }],
      Zone: 'cn-bj2-02',
    });
    expect(maskTail('abc')).toBe('…');
  });
});

describe('isNotFound / isThrottled', () => {
  it('recognises UCloud codes', () => {
    const e = (retCode: number, extra: object = {}) => new CloudApiError({ ...base, code: String(retCode), retCode, detail: '', ...extra });
    expect(isNotFound(e(54002))).toBe(true);
    expect(isNotFound(e(8039))).toBe(true);
    expect(isNotFound(e(171))).toBe(false);
    expect(isThrottled(e(153))).toBe(true);
    expect(isThrottled(e(150))).toBe(true);
    expect(isThrottled(new CloudApiError({ ...base, code: 'HTTP_429', httpStatus: 429, detail: '' }))).toBe(true);
    expect(isThrottled(e(8095))).toBe(false);
  });

  it('recognises AWS codes and ignores other errors', () => {
    const aws = (code: string) => new CloudApiError({ ...base, provider: 'aws', code, detail: '' });
    expect(isNotFound(aws('InvalidInstanceID.NotFound'))).toBe(true);
    expect(isThrottled(aws('RequestLimitExceeded'))).toBe(true);
    expect(isNotFound(new Error('NotFound'))).toBe(false);
    expect(isThrottled(undefined)).toBe(false);
  });
});
