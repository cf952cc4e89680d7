import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi, type Session } from '../../api/auth-api';
import { setCsrfToken, setUnauthorizedHandler } from '../../api/http';

type AuthState = {
  /** undefined while the first /me is in flight. */
  session: Session | null | undefined;
  login: (username: string, password: string) => Promise<Session>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
  can: (permission: string) => boolean;
};

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const apply = useCallback((next: Session | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSession(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      apply(await authApi.me());
    } catch {
      // 401 (signed out) or the server being down both mean: show the sign-in page
      apply(null);
    }
  }, [apply]);

  useEffect(() => {
    void refresh();
    setUnauthorizedHandler(() => apply(null));
    return () => setUnauthorizedHandler(null);
  }, [refresh, apply]);

  const login = useCallback(
    async (username: string, password: string) => {
      const next = await authApi.login(username, password);
      apply(next);
      return next;
    },
    [apply],
  );

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      apply(null);
    }
  }, [apply]);

  const value = useMemo<AuthState>(
    () => ({
      session,
      login,
      logout,
      refresh,
      can: (permission) => session?.permissions.includes(permission) ?? false,
    }),
    [session, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Inside the signed-in shell the session is always present. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
