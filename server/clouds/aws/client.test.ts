import { describe, expect, it } from 'vitest';
import { CLOUD_ERROR_CODES, REDACTED, isNotFound, isThrottled } from '@/server/clouds/cloud-error';
import { toCloudApiError } from './client';

// The SDK's exceptions, shaped as @aws-sdk/client-ec2 throws them (name = EC2 code, $metadata,
// $fault, $retryable), converted into our one error type.

const sdkError = (name: string, status: number, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1 }, ...extra });

describe('toCloudApiError', () => {
  it('keeps the EC2 code, status and request id; NotFound codes are not found', () => {
    const err = toCloudApiError(sdkError('InvalidAMIID.NotFound', 400), 'DescribeImages', 'us-east-1');
    expect(err).toMatchObject({ provider: 'aws', action: 'DescribeImages', region: 'us-east-1', code: 'InvalidAMIID.NotFound', httpStatus: 400, requestId: 'req-1', retryable: false });
    expect(err.message).toBe('AWS DescribeImages failed in us-east-1: [InvalidAMIID.NotFound] InvalidAMIID.NotFound happened (request id req-1)');
    expect(isNotFound(err)).toBe(true);
  });

  it('marks what is worth waiting for as retryable: throttling, 5xx, DependencyViolation', () => {
    const throttled = toCloudApiError(sdkError('RequestLimitExceeded', 503, { $retryable: { throttling: true } }), 'RunInstances');
    expect(throttled.retryable).toBe(true);
    expect(isThrottled(throttled)).toBe(true);
    expect(toCloudApiError(sdkError('DependencyViolation', 400), 'DeleteSecurityGroup').retryable).toBe(true);
    expect(toCloudApiError(sdkError('InvalidParameterValue', 400), 'RunInstances').retryable).toBe(false);
  });

  it('uses the HTTP status when the SDK could not read a code', () => {
    const err = toCloudApiError(sdkError('EC2ServiceException', 502), 'DescribeRegions');
    expect(err).toMatchObject({ code: 'HTTP_502', retryable: true });
  });

  it('maps socket errors without an HTTP answer to NETWORK_ERROR / TIMEOUT', () => {
    const refused = toCloudApiError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'DescribeRegions');
    expect(refused).toMatchObject({ code: CLOUD_ERROR_CODES.NETWORK_ERROR, retryable: true });
    const timeout = toCloudApiError(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), 'DescribeRegions');
    expect(timeout.code).toBe(CLOUD_ERROR_CODES.TIMEOUT);
  });

  it('redacts secrets in the request parameters', () => {
    const err = toCloudApiError(sdkError('InvalidParameterValue', 400), 'RunInstances', 'us-east-1', { UserData: 'cGFzc3dvcmQ=', KeyName: 'k1' });
    expect(err.params).toEqual({ UserData: REDACTED, KeyName: 'k1' });
  });
});
