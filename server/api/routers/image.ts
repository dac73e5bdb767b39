import { readProcedure, router } from '@/server/api/trpc';
import { getDashboard } from '@/server/services/dashboard/get-dashboard';
import { findProducedImageFacets, findProducedImages, findTemplateImageMatrix, getImageDetail } from '@/server/services/images/find-produced-images';
import { ZFindProducedImagesRequest, ZImageDetailRequest, ZTemplateImageMatrixRequest } from '../schemas/images';

export const imageRouter = router({
  // Catalog → Produced images.
  list: readProcedure.input(ZFindProducedImagesRequest).query(({ ctx, input }) => findProducedImages(ctx.db, input)),
  facets: readProcedure.query(({ ctx }) => findProducedImageFacets(ctx.db)),
  // The image detail page, for produced and base images alike.
  get: readProcedure.input(ZImageDetailRequest).query(({ ctx, input }) => getImageDetail(ctx.db, input)),
  matrix: readProcedure.input(ZTemplateImageMatrixRequest).query(({ ctx, input }) => findTemplateImageMatrix(ctx.db, input.templateId)),
});

export const dashboardRouter = router({
  summary: readProcedure.query(({ ctx }) => getDashboard(ctx.db)),
});
