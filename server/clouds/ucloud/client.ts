import type { z } from 'zod';
import { CLOUD_ERROR_CODES, CloudApiError, isCloudApiError } from '@/server/clouds/cloud-error';
import { exponentialBackoff, retry } from '@/server/lib/retry';
import * as S from './schemas';
import { flattenParams } from './signature';
import { send, type TransportConfig } from './transport';
import type * as T from './types';

/** Structural subset of a pino logger, so callers pass theirs and this module reads no env. */
export interface UCloudLogger {
  debug(obj: object, msg?: string): void;
}

export interface UCloudClientOptions {
  publicKey: string;
  privateKey: string;
  projectId?: string;
  region?: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Retries after the first attempt; 3 → at most 4 requests per call. */
  maxRetries?: number;
  timeoutMs?: number;
  userAgent?: string;
  logger?: UCloudLogger;
  /** First backoff step; doubles per retry up to `retryCapMs` (with jitter). */
  retryBaseMs?: number;
  retryCapMs?: number;
}

export interface ActionOptions extends T.CallOptions {
  /** Safe to send again after an unknown outcome (timeout, 5xx); see retry-policy.ts. */
  retryable: boolean;
  /** Account-level actions (UAccount) take no Region/ProjectId, so none is injected. */
  scope?: 'region' | 'account';
}

export interface ListImagesOptions extends T.CallOptions {
  pageSize?: number;
}

export const UCLOUD_DEFAULT_BASE_URL = 'https://api.ucloud.cn';
const DEFAULT_USER_AGENT = 'RomeImageConsole/0.1 (ucloud-client)';

/** Typed UCloud API client: one method per action, named as UCloud names them. */
export class UCloudClient {
  private readonly transport: TransportConfig;
  private readonly projectId?: string;
  private readonly region?: string;
  private readonly maxRetries: number;
  private readonly logger?: UCloudLogger;
  private readonly backoff: (attempt: number) => number;

  constructor(opts: UCloudClientOptions) {
    if (!opts.publicKey || !opts.privateKey) throw new TypeError('UCloudClient needs publicKey and privateKey');
    this.transport = {
      baseUrl: opts.baseUrl ?? UCLOUD_DEFAULT_BASE_URL,
      publicKey: opts.publicKey,
      privateKey: opts.privateKey,
      fetch: opts.fetch ?? globalThis.fetch,
      timeoutMs: opts.timeoutMs ?? 30_000,
      userAgent: opts.userAgent ? `${DEFAULT_USER_AGENT} ${opts.userAgent}` : DEFAULT_USER_AGENT,
    };
    this.projectId = opts.projectId;
    this.region = opts.region;
    this.maxRetries = Math.max(0, opts.maxRetries ?? 3);
    this.logger = opts.logger;
    this.backoff = exponentialBackoff({ baseMs: opts.retryBaseMs ?? 200, capMs: opts.retryCapMs ?? 10_000 });
  }

  /** Sends any action; the typed methods below are thin wrappers around this. */
  async call<Out>(action: string, params: object, schema: z.ZodType<Out>, opts: ActionOptions): Promise<Out> {
    const raw = params as Record<string, unknown>;
    const scoped: Record<string, unknown> =
      opts.scope === 'account' ? { ...raw } : { ...raw, Region: raw.Region ?? this.region, ProjectId: raw.ProjectId ?? this.projectId };
    const region = typeof scoped.Region === 'string' ? scoped.Region : undefined;

    return retry(
      async (attempt) => {
        const started = Date.now();
        let requestId: string | undefined;
        let retCode: number | string | undefined;
        try {
          await opts.beforeRequest?.(action, region ?? '');
          const res = await send(this.transport, scoped, { action, region, idempotent: opts.retryable, signal: opts.signal });
          requestId = res.requestId;
          retCode = res.body.RetCode;
          const parsed = schema.safeParse(res.body);
          if (!parsed.success) {
            throw new CloudApiError({
              provider: 'ucloud',
              action,
              region,
              requestId,
              httpStatus: res.httpStatus,
              code: CLOUD_ERROR_CODES.INVALID_RESPONSE,
              detail: `unexpected response shape: ${summarizeIssues(parsed.error)}`,
              // RetCode was 0, so the action took effect: re-sending a create would duplicate it.
              retryable: false,
              params: { ...flattenParams(scoped), Action: action },
              cause: parsed.error,
            });
          }
          return parsed.data;
        } catch (err) {
          if (isCloudApiError(err)) {
            requestId = err.requestId;
            retCode = err.retCode ?? err.code;
          }
          throw err;
        } finally {
          // Never the params: they hold the signature inputs and the password.
          this.logger?.debug({ cloud: 'ucloud', action, region, requestId, retCode, attempt, durationMs: Date.now() - started }, 'ucloud call');
        }
      },
      {
        tries: this.maxRetries + 1,
        shouldRetry: (err) => isCloudApiError(err) && err.retryable,
        delay: this.backoff,
        signal: opts.signal,
        onRetry: ({ attempt, delayMs, error }) =>
          this.logger?.debug({ cloud: 'ucloud', action, region, attempt, delayMs, code: isCloudApiError(error) ? error.code : undefined }, 'ucloud retry'),
      },
    );
  }

  // --- UAccount ---------------------------------------------------------------------------

  getRegion(opts: T.CallOptions = {}): Promise<T.TGetRegionResponse> {
    return this.call('GetRegion', {}, S.ZGetRegionResponse, { ...opts, retryable: true, scope: 'account' });
  }

  getProjectList(req: T.TGetProjectListRequest = {}, opts: T.CallOptions = {}): Promise<T.TGetProjectListResponse> {
    return this.call('GetProjectList', req, S.ZGetProjectListResponse, { ...opts, retryable: true, scope: 'account' });
  }

  // --- UHost: images ----------------------------------------------------------------------

  describeImage(req: T.TDescribeImageRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeImageResponse> {
    return this.call('DescribeImage', req, S.ZDescribeImageResponse, { ...opts, retryable: true });
  }

  /**
   * Pages through DescribeImage with Offset/Limit until Offset ≥ TotalCount or a short page.
   * Each yielded page is one API call.
   */
  async *listImages(req: Omit<T.TDescribeImageRequest, 'Offset' | 'Limit'> = {}, opts: ListImagesOptions = {}): AsyncGenerator<T.ImagePage> {
    const { pageSize = 100, ...callOpts } = opts;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
    let offset = 0;
    for (let page = 1; ; page++) {
      const res = await this.describeImage({ ...req, Offset: offset, Limit: pageSize }, callOpts);
      yield { page, offset, limit: pageSize, totalCount: res.TotalCount, images: res.ImageSet };
      offset += pageSize;
      if (res.ImageSet.length < pageSize || offset >= res.TotalCount) return;
    }
  }

  createCustomImage(req: T.TCreateCustomImageRequest, opts: T.CallOptions = {}): Promise<T.TCreateCustomImageResponse> {
    return this.call('CreateCustomImage', req, S.ZCreateCustomImageResponse, { ...opts, retryable: false });
  }

  copyCustomImage(req: T.TCopyCustomImageRequest, opts: T.CallOptions = {}): Promise<T.TCopyCustomImageResponse> {
    return this.call('CopyCustomImage', req, S.ZCopyCustomImageResponse, { ...opts, retryable: false });
  }

  terminateCustomImage(req: T.TTerminateCustomImageRequest, opts: T.CallOptions = {}): Promise<T.TTerminateCustomImageResponse> {
    return this.call('TerminateCustomImage', req, S.ZTerminateCustomImageResponse, { ...opts, retryable: true });
  }

  // --- UHost: instances -------------------------------------------------------------------

  createUHostInstance(req: T.TCreateUHostInstanceRequest, opts: T.CallOptions = {}): Promise<T.TCreateUHostInstanceResponse> {
    // The API wants the password base64-encoded; the Go SDK does it for its callers, and so do we.
    const params = req.Password === undefined ? req : { ...req, Password: Buffer.from(req.Password, 'utf8').toString('base64') };
    return this.call('CreateUHostInstance', params, S.ZCreateUHostInstanceResponse, { ...opts, retryable: false });
  }

  describeUHostInstance(req: T.TDescribeUHostInstanceRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeUHostInstanceResponse> {
    return this.call('DescribeUHostInstance', req, S.ZDescribeUHostInstanceResponse, { ...opts, retryable: true });
  }

  stopUHostInstance(req: T.TStopUHostInstanceRequest, opts: T.CallOptions = {}): Promise<T.TUHostIdResponse> {
    return this.call('StopUHostInstance', req, S.ZUHostIdResponse, { ...opts, retryable: true });
  }

  /** Hard power-off; may corrupt the file system — stop gracefully before imaging (reference §5 #1). */
  poweroffUHostInstance(req: T.TPoweroffUHostInstanceRequest, opts: T.CallOptions = {}): Promise<T.TUHostIdResponse> {
    return this.call('PoweroffUHostInstance', req, S.ZUHostIdResponse, { ...opts, retryable: true });
  }

  startUHostInstance(req: T.TStartUHostInstanceRequest, opts: T.CallOptions = {}): Promise<T.TUHostIdResponse> {
    return this.call('StartUHostInstance', req, S.ZUHostIdResponse, { ...opts, retryable: true });
  }

  /** The host must be stopped first (else e.g. RetCode 8856). */
  terminateUHostInstance(req: T.TTerminateUHostInstanceRequest, opts: T.CallOptions = {}): Promise<T.TTerminateUHostInstanceResponse> {
    return this.call('TerminateUHostInstance', req, S.ZTerminateUHostInstanceResponse, { ...opts, retryable: true });
  }

  // --- UHost: discovery -------------------------------------------------------------------

  /**
   * Machine types of a region or zone with their CPU/memory sizes, CPU platforms and, per disk
   * medium, the allowed boot and data disk types and sizes. This is the action to check a zone's
   * boot disk types before CreateUHostInstance.
   */
  describeAvailableInstanceTypes(
    req: T.TDescribeAvailableInstanceTypesRequest = {},
    opts: T.CallOptions = {},
  ): Promise<T.TDescribeAvailableInstanceTypesResponse> {
    return this.call('DescribeAvailableInstanceTypes', req, S.ZDescribeAvailableInstanceTypesResponse, { ...opts, retryable: true });
  }

  /**
   * Disk types that can be attached to existing hosts. The docs make `UHostIds` required, so
   * unlike DescribeAvailableInstanceTypes it cannot answer "what may I boot from in this zone".
   */
  describeUHostAvailableDiskTypes(
    req: T.TDescribeUHostAvailableDiskTypesRequest,
    opts: T.CallOptions = {},
  ): Promise<T.TDescribeUHostAvailableDiskTypesResponse> {
    return this.call('DescribeUHostAvailableDiskTypes', req, S.ZDescribeUHostAvailableDiskTypesResponse, { ...opts, retryable: true });
  }

  // --- UHost: key pairs ------------------------------------------------------------------

  /** The answer holds the private key (PrivateKeyBody), once; UCloud keeps only the public half. */
  createUHostKeyPair(req: T.TCreateUHostKeyPairRequest, opts: T.CallOptions = {}): Promise<T.TCreateUHostKeyPairResponse> {
    return this.call('CreateUHostKeyPair', req, S.ZCreateUHostKeyPairResponse, { ...opts, retryable: false });
  }

  describeUHostKeyPairs(req: T.TDescribeUHostKeyPairsRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeUHostKeyPairsResponse> {
    return this.call('DescribeUHostKeyPairs', req, S.ZDescribeUHostKeyPairsResponse, { ...opts, retryable: true });
  }

  deleteUHostKeyPairs(req: T.TDeleteUHostKeyPairsRequest, opts: T.CallOptions = {}): Promise<T.TEmptyResponse> {
    return this.call('DeleteUHostKeyPairs', req, S.ZEmptyResponse, { ...opts, retryable: true });
  }

  // --- VPC --------------------------------------------------------------------------------

  describeVPC(req: T.TDescribeVPCRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeVPCResponse> {
    return this.call('DescribeVPC', req, S.ZDescribeVPCResponse, { ...opts, retryable: true });
  }

  describeSubnet(req: T.TDescribeSubnetRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeSubnetResponse> {
    return this.call('DescribeSubnet', req, S.ZDescribeSubnetResponse, { ...opts, retryable: true });
  }

  // --- UNet: firewalls --------------------------------------------------------------------

  /** Unlike other describes, an unknown FWId is an error (RetCode 54002, see isNotFound). */
  describeFirewall(req: T.TDescribeFirewallRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeFirewallResponse> {
    return this.call('DescribeFirewall', req, S.ZDescribeFirewallResponse, { ...opts, retryable: true });
  }

  createFirewall(req: T.TCreateFirewallRequest, opts: T.CallOptions = {}): Promise<T.TCreateFirewallResponse> {
    return this.call('CreateFirewall', req, S.ZCreateFirewallResponse, { ...opts, retryable: false });
  }

  deleteFirewall(req: T.TDeleteFirewallRequest, opts: T.CallOptions = {}): Promise<T.TEmptyResponse> {
    return this.call('DeleteFirewall', req, S.ZEmptyResponse, { ...opts, retryable: true });
  }

  // --- UNet: EIPs -------------------------------------------------------------------------

  allocateEIP(req: T.TAllocateEIPRequest, opts: T.CallOptions = {}): Promise<T.TAllocateEIPResponse> {
    return this.call('AllocateEIP', req, S.ZAllocateEIPResponse, { ...opts, retryable: false });
  }

  // Not retried after an unknown outcome: if the first bind went through, a second one fails
  // ("resource already has an EIP", 4154) and would hide the success; check with describeEIP.
  bindEIP(req: T.TBindEIPRequest, opts: T.CallOptions = {}): Promise<T.TEmptyResponse> {
    return this.call('BindEIP', req, S.ZEmptyResponse, { ...opts, retryable: false });
  }

  unBindEIP(req: T.TUnBindEIPRequest, opts: T.CallOptions = {}): Promise<T.TEmptyResponse> {
    return this.call('UnBindEIP', req, S.ZEmptyResponse, { ...opts, retryable: true });
  }

  releaseEIP(req: T.TReleaseEIPRequest, opts: T.CallOptions = {}): Promise<T.TEmptyResponse> {
    return this.call('ReleaseEIP', req, S.ZEmptyResponse, { ...opts, retryable: true });
  }

  describeEIP(req: T.TDescribeEIPRequest = {}, opts: T.CallOptions = {}): Promise<T.TDescribeEIPResponse> {
    return this.call('DescribeEIP', req, S.ZDescribeEIPResponse, { ...opts, retryable: true });
  }
}

function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
