import { z } from 'zod';

export const CLOUD_KINDS = ['ucloud', 'aws'] as const;
export const ZCloudKind = z.enum(CLOUD_KINDS);
export type TCloudKind = z.infer<typeof ZCloudKind>;

// What each API allows per listing call: UCloud DescribeImage Limit (the sandbox and our
// client cap it at 100), EC2 DescribeImages MaxResults 5–1000.
export const PAGE_SIZE_LIMITS: Record<TCloudKind, { min: number; max: number }> = {
  ucloud: { min: 1, max: 100 },
  aws: { min: 5, max: 1000 },
};

const optionalUrl = z
  .union([z.string().trim().url(), z.literal('')])
  .optional()
  .transform((v) => v || undefined);

const ZAccountSettings = z.object({
  name: z.string().trim().min(1).max(60),
  environment: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'Use a short lowercase name such as prod or staging'),
  endpoint: optionalUrl,
  projectId: z.string().trim().max(64).optional(),
  imagePageSize: z.number().int().min(1).max(1000).default(20),
  syncConcurrency: z.number().int().min(1).max(16).default(4),
  syncIntervalMinutes: z.number().int().min(0).max(7 * 24 * 60).default(360),
  enabled: z.boolean().default(true),
});

function checkPerCloud(v: { cloud: TCloudKind; imagePageSize?: number; projectId?: string }, ctx: z.RefinementCtx) {
  const limits = PAGE_SIZE_LIMITS[v.cloud];
  if (v.imagePageSize !== undefined && (v.imagePageSize < limits.min || v.imagePageSize > limits.max)) {
    ctx.addIssue({ code: 'custom', path: ['imagePageSize'], message: `${v.cloud === 'aws' ? 'EC2' : 'UCloud'} allows ${limits.min}–${limits.max} images per call` });
  }
  if (v.cloud === 'ucloud' && v.projectId !== undefined && !/^org-[a-z0-9]+$/.test(v.projectId)) {
    ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'A UCloud project id looks like org-xxxxxx' });
  }
}

export const ZCreateCloudAccountRequest = ZAccountSettings.extend({
  cloud: ZCloudKind,
  keyId: z.string().trim().min(1).max(256),
  secret: z.string().trim().min(1).max(512),
}).superRefine((v, ctx) => {
  checkPerCloud(v, ctx);
  if (v.cloud === 'ucloud' && !v.projectId) ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'UCloud needs the project id (org-…)' });
});
export type TCreateCloudAccountRequest = z.infer<typeof ZCreateCloudAccountRequest>;

export const ZUpdateCloudAccountRequest = ZAccountSettings.partial()
  .extend({
    id: z.string().uuid(),
    // Unlike on create, an empty endpoint here means "remove the override".
    endpoint: z.union([z.string().trim().url(), z.literal('')]).optional(),
    cloud: ZCloudKind,
    // Both or neither: replacing only half of a key pair is never what anyone meant.
    keyId: z.string().trim().min(1).max(256).optional(),
    secret: z.string().trim().min(1).max(512).optional(),
  })
  .superRefine((v, ctx) => {
    checkPerCloud(v, ctx);
    if (Boolean(v.keyId) !== Boolean(v.secret)) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'Give both the key id and the secret to replace the keys' });
  });
export type TUpdateCloudAccountRequest = z.infer<typeof ZUpdateCloudAccountRequest>;

export const ZCloudAccountIdRequest = z.object({ id: z.string().uuid() });

export const ZSyncNowRequest = z.object({
  accountId: z.string().uuid().optional(),
  region: z.string().min(1).max(64).optional(),
});
export type TSyncNowRequest = z.infer<typeof ZSyncNowRequest>;

export const BASE_IMAGE_SORTS = ['name', 'created', 'region', 'os'] as const;
export const ZFindBaseImagesRequest = z.object({
  cloud: ZCloudKind.optional(),
  accountId: z.string().uuid().optional(),
  region: z.string().max(64).optional(),
  osFamily: z.string().max(64).optional(),
  osVersion: z.string().max(64).optional(),
  status: z.enum(['available', 'removed', 'all']).default('available'),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(BASE_IMAGE_SORTS).default('region'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(10).max(200).default(50),
});
export type TFindBaseImagesRequest = z.infer<typeof ZFindBaseImagesRequest>;

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
    id: z.string().uuid().optional(),
    cloud: ZCloudKind,
    keyId: z.string().trim().max(256).optional(),
    secret: z.string().trim().max(512).optional(),
    projectId: z.string().trim().max(64).optional(),
    endpoint: z.union([z.string().trim().url(), z.literal('')]).optional(),
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
  accountId: z.string().uuid(),
  limit: z.number().int().min(1).max(100).default(20),
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
