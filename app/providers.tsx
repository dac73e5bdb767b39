'use client';
import { TrpcProvider } from './_trpc/react';

export function Providers({ children }: { children: React.ReactNode }) {
  return <TrpcProvider>{children}</TrpcProvider>;
}
