/**
 * Who is signed in. Loaded once from GET /auth/me (the HTTP-only cookie is the session), refreshed after
 * sign-in and profile changes, cleared on sign-out or when the server answers 401 — and with it the personal data
 * screens keep on the device for the day (`day-store.ts`: the door scanner's recent results).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, UNAUTHENTICATED_EVENT } from './api.ts';
import type { Me } from './api-types.ts';
import { clearDayStores, sweepDayStores } from './day-store.ts';

interface SessionValue {
  me: Me | null;
  loading: boolean;
  /** Error while loading the session, other than "not signed in". */
  error: unknown;
  refresh: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      const current = await api<Me>('GET', '/auth/me');
      setMe(current);
      setError(null);
      return current;
    } catch (e) {
      setMe(null);
      const signedOut = e instanceof ApiError && e.status === 401;
      // no session: what the last account kept on this device goes (offline, nothing is known: it stays)
      if (signedOut) clearDayStores();
      setError(signedOut ? null : e);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/auth/logout');
    } finally {
      clearDayStores();
      setMe(null);
    }
  }, []);

  useEffect(() => {
    sweepDayStores();
    void refresh();
  }, [refresh]);

  // a page's call found the session gone: back to the sign-in page
  useEffect(() => {
    const ended = () => {
      clearDayStores();
      setMe(null);
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, ended);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, ended);
  }, []);

  // could not even ask who is signed in (offline start): ask again when the connection returns
  useEffect(() => {
    if (!error) return;
    const retry = () => void refresh();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [error, refresh]);

  const value = useMemo(() => ({ me, loading, error, refresh, signOut }), [me, loading, error, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
