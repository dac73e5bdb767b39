import {
  ZCloudAccountIdRequest,
  ZCreateCloudAccountRequest,
  ZFindBaseImagesRequest,
  ZImageChoicesRequest,
  ZImageFactsRequest,
  ZFindInventorySyncsRequest,
  ZInventorySyncJobsRequest,
  ZSyncNowRequest,
  ZTestCloudCredentialsRequest,
  ZUpdateCloudAccountRequest,
} from '@/server/api/schemas/clouds';
import { adminProcedure, procedureFor, readProcedure, router } from '@/server/api/trpc';
import { createCloudAccount } from '@/server/services/clouds/create-cloud-account';
import { deleteCloudAccount } from '@/server/services/clouds/delete-cloud-account';
import { findBaseImageFacets, findBaseImages } from '@/server/services/clouds/find-base-images';
import { findImageChoices } from '@/server/services/clouds/find-image-choices';
import { findImageFacts } from '@/server/services/clouds/find-image-facts';
import { findCloudAccounts } from '@/server/services/clouds/find-cloud-accounts';
import { findUndecryptableAccounts } from '@/server/services/clouds/find-undecryptable-accounts';
import { findInventorySyncJobs } from '@/server/services/clouds/find-inventory-sync-jobs';
import { findInventorySyncs, findRegions } from '@/server/services/clouds/find-regions';
import { requestInventorySync } from '@/server/services/clouds/request-inventory-sync';
import { testCloudConnection, testCloudCredentials } from '@/server/services/clouds/test-cloud-connection';
import { updateCloudAccount } from '@/server/services/clouds/update-cloud-account';

export const cloudAccountRouter = router({
  // Every reader may see which accounts exist (names, clouds, key hints): the catalog filters by them.
  list: readProcedure.query(({ ctx }) => findCloudAccounts(ctx.db)),
  // Names only: whether the current CONSOLE_SECRET_KEY opens each account's stored keys (Clouds page).
  keyStatus: adminProcedure.query(({ ctx }) => findUndecryptableAccounts(ctx.db)),
  create: adminProcedure.input(ZCreateCloudAccountRequest).mutation(({ ctx, input }) => createCloudAccount(ctx.db, ctx.actor, input)),
  update: adminProcedure.input(ZUpdateCloudAccountRequest).mutation(({ ctx, input }) => updateCloudAccount(ctx.db, ctx.actor, input)),
  delete: adminProcedure.input(ZCloudAccountIdRequest).mutation(({ ctx, input }) => deleteCloudAccount(ctx.db, ctx.actor, input.id)),
  test: adminProcedure.input(ZCloudAccountIdRequest).mutation(({ ctx, input }) => testCloudConnection(ctx.db, ctx.actor, input.id)),
  // The form's check before "Save": what is typed, nothing stored.
  testDraft: adminProcedure.input(ZTestCloudCredentialsRequest).mutation(({ ctx, input }) => testCloudCredentials(ctx.db, input)),
});

export const inventoryRouter = router({
  regions: readProcedure.query(({ ctx }) => findRegions(ctx.db)),
  syncs: readProcedure.input(ZFindInventorySyncsRequest).query(({ ctx, input }) => findInventorySyncs(ctx.db, input)),
  // One account's sync jobs, newest first (the Clouds page's history).
  jobs: readProcedure.input(ZInventorySyncJobsRequest).query(({ ctx, input }) => findInventorySyncJobs(ctx.db, input)),
  syncNow: procedureFor('inventory.sync').input(ZSyncNowRequest).mutation(({ ctx, input }) => requestInventorySync(ctx.db, ctx.actor, input)),
});

export const catalogRouter = router({
  baseImages: readProcedure.input(ZFindBaseImagesRequest).query(({ ctx, input }) => findBaseImages(ctx.db, input)),
  facets: readProcedure.query(({ ctx }) => findBaseImageFacets(ctx.db)),
  // The editor's "Pick from catalog" for one builder's region and host.
  imageChoices: readProcedure.input(ZImageChoicesRequest).query(({ ctx, input }) => findImageChoices(ctx.db, input)),
  // The editor's hover: every image id of a body in one request.
  imageFacts: readProcedure.input(ZImageFactsRequest).query(({ ctx, input }) => findImageFacts(ctx.db, input.imageIds)),
});
