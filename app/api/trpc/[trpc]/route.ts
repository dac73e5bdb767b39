// GET|POST /api/trpc/* — the tRPC fetch adapter, nothing else.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContextFromHeaders } from '@/server/api/trpc';

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    // Queries go as POST too: a template body does not fit in a URL.
    allowMethodOverride: true,
    createContext: () => createContextFromHeaders(req.headers),
  });

export { handler as GET, handler as POST };
