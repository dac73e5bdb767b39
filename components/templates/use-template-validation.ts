'use client';
import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { trpc } from '@/app/_trpc/react';

/** The files a draft's provisioners may read: its attachments' paths and its inputs' patterns. */
export interface DraftFiles {
  attachments: readonly { path: string }[];
  inputs: readonly { pattern: string }[];
}

/**
 * Validates the body (with the draft's attachments and build inputs) on the server shortly after
 * typing stops; keeps the last result meanwhile.
 */
export function useTemplateValidation(body: string, files: DraftFiles = { attachments: [], inputs: [] }, delayMs = 300) {
  const request = JSON.stringify({ body, attachments: files.attachments.map((a) => a.path), inputs: files.inputs.map((i) => ({ pattern: i.pattern })) });
  const [debounced, setDebounced] = useState(request);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(request), delayMs);
    return () => clearTimeout(id);
  }, [request, delayMs]);
  const input = useMemo(() => JSON.parse(debounced) as { body: string; attachments: string[]; inputs: { pattern: string }[] }, [debounced]);
  const query = trpc.template.validate.useQuery(input, { placeholderData: keepPreviousData, staleTime: Infinity });
  return { issues: query.data?.issues ?? [], pending: debounced !== request || query.isFetching };
}
