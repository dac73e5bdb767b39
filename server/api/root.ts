import { auditRouter } from './routers/audit';
import { buildRouter } from './routers/build';
import { dashboardRouter, imageRouter } from './routers/image';
import { catalogRouter, cloudAccountRouter, inventoryRouter } from './routers/cloud';
import { meRouter } from './routers/me';
import { regionGroupRouter, regionStrategyRouter } from './routers/region';
import { templateRouter } from './routers/template';
import { userRouter } from './routers/user';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  me: meRouter,
  user: userRouter,
  template: templateRouter,
  audit: auditRouter,
  cloudAccount: cloudAccountRouter,
  inventory: inventoryRouter,
  catalog: catalogRouter,
  regionStrategy: regionStrategyRouter,
  regionGroup: regionGroupRouter,
  build: buildRouter,
  image: imageRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
