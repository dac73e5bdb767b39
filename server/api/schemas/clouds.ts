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

const ZAccountSettings = z.object({
  name: safeString({ min: 1, max: 60, trim: true }),
  environment: safeString({ max: 20, trim: true }).regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'Use a short lowercase name such as prod or staging'),
  endpoint: optionalUrl,
  projectId: safeString({ max: 64, trim: true }).optional(),
  imagePageSize: boundedInt(1, 1000).default(20),
  syncConcurrency: boundedInt(1, 16).default(4),
  syncIntervalMinutes: boundedInt(0, 7 * 24 * 60).default(360),
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
  keyId: safeString({ min: 1, max: 256, trim: true }),
  secret: safeString({ min: 1, max: 512, trim: true }),
}).superRefine((v, ctx) => {
  checkPerCloud(v, ctx);
  if (v.cloud === 'ucloud' && !v.projectId) ctx.addIssue({ code: 'custom', path: ['projectId'], message: 'UCloud needs the project id (org-…)' });
});
export type TCreateCloudAccountRequest = z.infer<typeof ZCreateCloudAccountRequest>;

export const ZUpdateCloudAccountRequest = ZAccountSettings.partial()
  .extend({
    id: ZUuid,
    // Unlike on create, an empty endpoint here means "remove the override".
    endpoint: z.union([ZUrl, z.literal('')]).optional(),
    cloud: ZCloudKind,
    // Both or neither: replacing only half of a key pair is never what anyone meant.
    keyId: safeString({ min: 1, max: 256, trim: true }).optional(),
    secret: safeString({ min: 1, max: 512, trim: true }).optional(),
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

export const ZFindInventorySyncsRequest = z.object({
  accountId: ZUuid.optional(),
  limit: boundedInt(1, 200).default(50),
});
export type TFindInventorySyncsRequest = z.infer<typeof ZFindInventorySyncsRequest>;
