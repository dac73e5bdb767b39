'use client';
import { useCallback, useSyncExternalStore } from 'react';

export interface OneTimePassword {
  id: string;
  email: string;
  password: string;
  reason: 'created' | 'reset';
  at: number;
}

// The passwords an admin still has to pass on. They stay until dismissed: across refetches,
// navigation and a reload of the tab (sessionStorage: this tab only, gone when it closes),
// kept per signed-in admin so another account in the same tab never sees them.
const keyOf = (ownerId: string) => `rome.one-time-passwords.${ownerId}`;
const EMPTY: OneTimePassword[] = [];
const snapshots = new Map<string, OneTimePassword[]>();
const listeners = new Set<() => void>();

function isEntry(v: unknown): v is OneTimePassword {
  const e = v as Partial<OneTimePassword> | null;
  return Boolean(e) && typeof e!.id === 'string' && typeof e!.email === 'string' && typeof e!.password === 'string' && (e!.reason === 'created' || e!.reason === 'reset');
}

function read(ownerId: string): OneTimePassword[] {
  let list = snapshots.get(ownerId);
  if (!list) {
    try {
      const parsed: unknown = JSON.parse(window.sessionStorage.getItem(keyOf(ownerId)) ?? '[]');
      list = Array.isArray(parsed) ? parsed.filter(isEntry) : EMPTY;
    } catch {
      list = EMPTY;
    }
    snapshots.set(ownerId, list);
  }
  return list;
}

function write(ownerId: string, list: OneTimePassword[]) {
  snapshots.set(ownerId, list);
  try {
    if (list.length === 0) window.sessionStorage.removeItem(keyOf(ownerId));
    else window.sessionStorage.setItem(keyOf(ownerId), JSON.stringify(list));
  } catch {
    // Storage full or blocked: the list still lives for this page.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useOneTimePasswords(ownerId: string) {
  const list = useSyncExternalStore(
    subscribe,
    () => read(ownerId),
    () => EMPTY,
  );
  const add = useCallback(
    (entry: Omit<OneTimePassword, 'id' | 'at'>) => {
      // A newer password for the same user replaces the old one, which no longer works.
      const rest = read(ownerId).filter((e) => e.email !== entry.email);
      write(ownerId, [...rest, { ...entry, id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, at: Date.now() }]);
    },
    [ownerId],
  );
  const dismiss = useCallback((id: string) => write(ownerId, read(ownerId).filter((e) => e.id !== id)), [ownerId]);
  return { list, add, dismiss };
}
