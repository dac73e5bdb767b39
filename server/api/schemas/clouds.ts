import { z } from 'zod';
import { boundedInt, MAX_URL_LENGTH, safeString, ZPage, ZSearchText, ZUuid } from './common';

export const CLOUD_KINDS = ['ucloud', 'aws'] as const;
export const ZCloudKind = z.enum(CLOUD_KINDS);
export type TCloudKind = z.infer<typeof ZCloudKind>;

// What each API allows per listing call: UCloud DescribeImage Limit (the sandbox and our
// client cap it at 100), EC2 DescribeImages MaxResults 5–1000.
export const PAGE_SIZE_LIMITS: Record<TCloudKind, { min: number; max: number }> = {
  ucloud: { min: 1, max: 100 },
  aws: { min: 5, max: 1000 },
};

const ZUrl = safeString({ max: MAX_URL_LENGTH, trim: true }).url('Must be a URL');
const optionalUrl = z
  .union([ZUrl, z.literal('')])
  .optional()
  .transform((v) => v || undefined);

/** Upper bound of an account's concurrent build runs: far above what a vendor lets one account run. */
export const MAX_CONCURRENT_RUNS = 500;

// The settings an admin chooses, without defaults: the update schema is derived from these
// (`.partial()`), and a default there would silently reset every field a request left out.
const ZAccountSettings = z.object({
  name: safeString({ min: 1, max: 60, trim: true }),
  environment: safeString({ max: 20, trim: true }).regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'Use a short lowercase name such as prod or staging'),
  endpoint: optionalUrl,
  projectId: safeString({ max: 64, trim: true }).optional(),
  imagePageSize: boundedInt(1, 1000),
  syncConcurrency: boundedInt(1, 16),
  syncIntervalMinutes: boundedInt(0, 7 * 24 * 60),
  /** Build runs of the account running at once across all workers (the rest wait queued). */
  maxConcurrentRuns: boundedInt(1, MAX_CONCURRENT_RUNS),
  enabled: z.boolean(),
});

/** What a new account gets for the settings its request leaves out. */
export const CLOUD_ACCOUNT_DEFAULTS = { imagePageSize: 20, syncConcurrency: 4, syncIntervalMinutes: 360, maxConcurrentRuns: 25, enabled: true } as const;

/** Rules that depend on the cloud (page size range, UCloud project id format), as messages per field. */
export function perCloudIssues(v: { cloud: TCloudKind; imagePageSize?: number; projectId?: string }): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const limits = PAGE_SIZE_LIMITS[v.cloud];
  if (v.imagePageSize !== undefined && (v.imagePageSize < limits.min || v.imagePageSize > limits.max)) {
    issues.push({ path: 'imagePageSize', message: `${v.cloud === 'aws' ? 'EC2' : 'UCloud'} allows ${limits.min}–${limits.max} images per call` });
  }
  if (v.cloud === 'ucloud' && v.projectId !== undefined && !/^org-[a-z0-9]+$/.test(v.projectId)) {
    issues.push({ path: 'projectId', message: 'A UCloud project id looks like org-xxxxxx' });
  }
  return issues;
}

function checkPerCloud(v: { cloud?: TCloudKind; imagePageSize?: number; projectId?: string }, ctx: z.RefinementCtx) {
  // Without the cloud (a partial update), the service checks against the stored account's.
  if (!v.cloud) return;
  for (const issue of perCloudIssues({ ...v, cloud: v.cloud })) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
}

const KEY_FIELDS = {
  keyId: safeString({ min: 1, max: 256, trim: true }),
  secret: safeString({ min: 1, max: 512, trim: true }),
};

export const ZCreateCloudAccountRequest = ZAccountSettings.extend({
  imagePageSize: ZAccountSettings.shape.imagePageSize.default(CLOUD_ACCOUNT_DEFAULTS.imagePageSize),
  syncConcurrency: ZAccountSettings.shape.syncConcurrency.default(CLOUD_ACCOUNT_DEFAULTS.syncConcurrency),
  syncIntervalMinutes: ZAccountSettings.shape.syncIntervalMinutes.default(CLOUD_ACCOUNT_DEFAULTS.syncIntervalMinutes),
  maxConcurrentRuns: ZAccountSettings.shape.maxConcurrentRuns.default(CLOUD_ACCOUNT_DEFAULTS.maxConcurrentRuns),
  enabled: ZAccountSettings.shape.enabled.default(CLOUD_ACCOUNT_DEFAULTS.enabled),
  cloud: ZCloudKind,
  ...KEY_FIELDS,
}).superRefine((v, ctx) => {
  checkPerCloud(v, ctx);
  if (v.cloud === 'ucloud' && !v.projectId) ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'UCloud needs the project id (org-…)' });
});
export type TCreateCloudAccountRequest = z.infer<typeof ZCreateCloudAccountRequest>;

/** Changes only the fields sent: anything left out keeps its stored value. */
export const ZUpdateCloudAccountRequest = ZAccountSettings.partial()
  .extend({
    id: ZUuid,
    // Unlike on create, an empty endpoint here means "remove the override".
    endpoint: z.union([ZUrl, z.literal('')]).optional(),
    // Optional; when sent it must be the account's cloud (it never changes).
    cloud: ZCloudKind.optional(),
    // Both or neither: replacing only half of a key pair is never what anyone meant.
    keyId: KEY_FIELDS.keyId.optional(),
    secret: KEY_FIELDS.secret.optional(),
  })
  .superRefine((v, ctx) => {
    checkPerCloud(v, ctx);
    if (Boolean(v.keyId) !== Boolean(v.secret)) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'Give both the key id and the secret to replace the keys' });
  });
export type TUpdateCloudAccountRequest = z.infer<typeof ZUpdateCloudAccountRequest>;

export const ZCloudAccountIdRequest = z.object({ id: ZUuid });

export const ZSyncNowRequest = z.object({
  accountId: ZUuid.optional(),
  region: safeString({ min: 1, max: 64 }).optional(),
});
export type TSyncNowRequest = z.infer<typeof ZSyncNowRequest>;

export const BASE_IMAGE_SORTS = ['name', 'created', 'region', 'os'] as const;
export const ZFindBaseImagesRequest = z.object({
  cloud: ZCloudKind.optional(),
  accountId: ZUuid.optional(),
  region: safeString({ max: 64 }).optional(),
  osFamily: safeString({ max: 64 }).optional(),
  osVersion: safeString({ max: 64 }).optional(),
  status: z.enum(['available', 'removed', 'all']).default('available'),
  search: ZSearchText.optional(),
  sort: z.enum(BASE_IMAGE_SORTS).default('region'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  page: ZPage.default(1),
  pageSize: boundedInt(10, 200).default(50),
});
export type TFindBaseImagesRequest = z.infer<typeof ZFindBaseImagesRequest>;

/** The editor's "Pick from catalog": one builder's region, and its build host (to mark images that cannot boot on it). */
export const ZImageChoicesRequest = z.object({
  cloud: ZCloudKind,
  /** '' while the builder's region is not a literal: the answer then lists only the regions. */
  region: safeString({ max: 64 }),
  osFamily: safeString({ max: 64 }).optional(),
  osVersion: safeString({ max: 64 }).optional(),
  search: ZSearchText.optional(),
  /** The builder's availability_zone and instance_type, as written. */
  zone: safeString({ max: 64 }).optional(),
  instanceType: safeString({ max: 64 }).optional(),
  limit: boundedInt(10, 200).default(100),
});
export type TImageChoicesRequest = z.infer<typeof ZImageChoicesRequest>;

/** The image ids of one template body (the editor's hover facts): one request for all of them. */
export const MAX_FACT_IMAGE_IDS = 100;
export const ZImageFactsRequest = z.object({
  imageIds: z.array(safeString({ min: 1, max: 128 })).max(MAX_FACT_IMAGE_IDS),
});
export type TImageFactsRequest = z.infer<typeof ZImageFactsRequest>;

export const ZFindInventorySyncsRequest = z.object({
  accountId: ZUuid.optional(),
  limit: boundedInt(1, 200).default(50),
});
export type TFindInventorySyncsRequest = z.infer<typeof ZFindInventorySyncsRequest>;

/** cloudAccount.keyStatus: the accounts whose stored keys the current CONSOLE_SECRET_KEY cannot open. */
export const ZSecretKeyStatus = z.object({
  accounts: z.number().int(),
  undecryptable: z.array(z.object({ id: z.string().uuid(), name: z.string(), cloud: ZCloudKind })),
});
export type TSecretKeyStatus = z.infer<typeof ZSecretKeyStatus>;

/** Why a sync or a connection test failed, as the console tells it (the vendor's words come with it). */
export const SYNC_ERROR_CODES = [
  'CLOUD_AUTH_FAILED',
  'CLOUD_UNREACHABLE',
  'CLOUD_THROTTLED',
  'CLOUD_ERROR',
  'SECRET_UNREADABLE',
  'ACCOUNT_NOT_FOUND',
  'INTERRUPTED',
  'INTERNAL',
] as const;
export type TSyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export type TCloudTestResult = { ok: true; regions: number } | { ok: false; errorCode: TSyncErrorCode; error: string };

/** "Save" in the account form tests what is typed first; `id` when editing (its stored keys are used unless new ones are typed). */
export const ZTestCloudCredentialsRequest = z
  .object({
    id: ZUuid.optional(),
    cloud: ZCloudKind,
    keyId: safeString({ max: 256, trim: true }).optional(),
    secret: safeString({ max: 512, trim: true }).optional(),
    projectId: safeString({ max: 64, trim: true }).optional(),
    endpoint: z.union([ZUrl, z.literal('')]).optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.keyId) !== Boolean(v.secret)) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'Give both the key id and the secret' });
    if (!v.id && !v.keyId) ctx.addIssue({ code: 'custom', path: ['keyId'], message: 'Enter the keys to test' });
  });
export type TTestCloudCredentialsRequest = z.infer<typeof ZTestCloudCredentialsRequest>;

export interface TSyncNowResponse {
  queued: number;
  /** Accounts whose sync was already queued or running: nothing new was queued for them. */
  alreadyRunning: { accountId: string; accountName: string; status: string }[];
}

export const ZInventorySyncJobsRequest = z.object({
  accountId: ZUuid,
  limit: boundedInt(1, 100).default(20),
});

// The embedded sandbox cloud answers on loopback under /ucloud and /ec2 (server/sandbox-cloud/server.ts).
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** An endpoint that points at the local sandbox cloud (what the "sandbox" badge shows). */
export function isSandboxEndpoint(endpoint: string | null | undefined): boolean {
  if (!endpoint) return false;
  try {
    const url = new URL(endpoint);
    return LOOPBACK.test(url.hostname) && /^\/(ucloud|ec2)\/?$/.test(url.pathname);
  } catch {
    return false;
  }
}
