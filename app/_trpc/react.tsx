'use client';
import { useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink, type TRPCClientErrorLike } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import { MAX_BATCH_CALLS } from '@/server/api/http/limits';
import type { AppRouter } from '@/server/api/root';
import { makeQueryClient } from './query-client';

export const trpc = createTRPCReact<AppRouter>();
export type TrpcError = TRPCClientErrorLike<AppRouter>;

export function TrpcProvider({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [client] = useState(() =>
    trpc.createClient({
      // Split batches where the server would refuse them; every POST goes as application/json,
      // which the request guard requires (server/api/http/request-guard.ts).
      links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, methodOverride: 'POST', maxItems: MAX_BATCH_CALLS })],
    }),
  );
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}

export type RouterOutputs = inferRouterOutputs<AppRouter>;
