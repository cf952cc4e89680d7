import { http } from './http';

export type Role = 'admin' | 'city_staff' | 'county_manager' | 'auditor' | 'support_centre' | 'leader';

export type SessionUser = {
  username: string;
  role: Role;
  county: string | null;
  auditorLevel: number | null;
  displayName: string | null;
  mustChangePassword: boolean;
};

export type Session = {
  user: SessionUser;
  csrfToken: string;
  permissions: string[];
};

type RawSession = {
  user: Partial<SessionUser> & { username: string; role: Role };
  csrfToken: string;
  permissions?: string[];
};

/** The server may omit optional user fields; normalise once here. */
const toSession = (raw: RawSession): Session => ({
  user: {
    username: raw.user.username,
    role: raw.user.role,
    county: raw.user.county ?? null,
    auditorLevel: raw.user.auditorLevel ?? null,
    displayName: raw.user.displayName ?? null,
    mustChangePassword: raw.user.mustChangePassword ?? false,
  },
  csrfToken: raw.csrfToken,
  permissions: raw.permissions ?? [],
});

export const authApi = {
  login: async (username: string, password: string) =>
    toSession(await http.post<RawSession>('/api/auth/login', { username, password })),
  me: async () => toSession(await http.get<RawSession>('/api/auth/me')),
  logout: () => http.post<unknown>('/api/auth/logout'),
  changePassword: (oldPassword: string, newPassword: string) =>
    http.post<unknown>('/api/auth/password', { oldPassword, newPassword }),
};

/** County managers and level-1 auditors are bound to their county; everyone else sees all counties. */
export const boundCounty = (user: SessionUser): string | null =>
  user.role === 'county_manager' || (user.role === 'auditor' && user.auditorLevel === 1) ? user.county : null;

/** The server's policy: at least 10 characters (letters and digits under 14); the server checks the rest. */
export const MIN_PASSWORD_LENGTH = 10;
