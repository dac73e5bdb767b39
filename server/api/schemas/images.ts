import { z } from 'zod';
import { boundedInt, safeString, ZPage, ZSearchText, ZUuid } from './common';
import { ZCloudKind } from './clouds';
import { TEMPLATE_ROLES } from './templates';

export const PRODUCED_IMAGE_STATES = ['available', 'copy-failed'] as const;

/** Catalog → Produced images: filters, text search and a page. */
export const ZFindProducedImagesRequest = z.object({
  role: z.enum(TEMPLATE_ROLES).optional(),
  templateId: ZUuid.optional(),
  cloud: ZCloudKind.optional(),
  region: safeString({ max: 64 }).optional(),
  state: z.enum(PRODUCED_IMAGE_STATES).optional(),
  /** Image id, image name, template name, base image id. */
  search: ZSearchText.optional(),
  page: ZPage.default(1),
  pageSize: boundedInt(10, 200).default(50),
});
export type TFindProducedImagesRequest = z.infer<typeof ZFindProducedImagesRequest>;

/** One image, base or produced, by where it lives. */
export const ZImageDetailRequest = z.object({
  cloud: ZCloudKind,
  region: safeString({ min: 1, max: 64 }),
  imageId: safeString({ min: 1, max: 128 }),
});
export type TImageDetailRequest = z.infer<typeof ZImageDetailRequest>;

export const ZTemplateImageMatrixRequest = z.object({ templateId: ZUuid });
export type TTemplateImageMatrixRequest = z.infer<typeof ZTemplateImageMatrixRequest>;
