'use client';
import { useEffect, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { trpc } from '@/app/_trpc/react';

/** Validates the body on the server shortly after typing stops; keeps the last result meanwhile. */
export function useTemplateValidation(body: string, delayMs = 300) {
  const [debounced, setDebounced] = useState(body);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(body), delayMs);
    return () => clearTimeout(id);
  }, [body, delayMs]);
  const query = trpc.template.validate.useQuery({ body: debounced }, { placeholderData: keepPreviousData, staleTime: Infinity });
  return { issues: query.data?.issues ?? [], pending: debounced !== body || query.isFetching };
}
