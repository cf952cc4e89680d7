import { http } from './http';
import type { Role } from './auth-api';

export type User = {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  county: string | null;
  auditorLevel: number | null;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
};

export type NewUser = {
  username: string;
  displayName: string;
  role: Role;
  county?: string | null;
  auditorLevel?: number | null;
  password: string;
};

export type UserPatch = {
  displayName?: string;
  role?: Role;
  county?: string | null;
  auditorLevel?: number | null;
};

export const ROLES: readonly Role[] = [
  'admin',
  'city_staff',
  'county_manager',
  'auditor',
  'support_centre',
  'leader',
];

/** The list may come as a bare array or wrapped in {rows} / {users}. */
type UserList = User[] | { rows?: User[]; users?: User[] };

export const usersApi = {
  list: async (): Promise<User[]> => {
    const raw = await http.get<UserList>('/api/users');
    return Array.isArray(raw) ? raw : (raw.rows ?? raw.users ?? []);
  },
  create: (user: NewUser) => http.post<User>('/api/users', user),
  update: (id: number, patch: UserPatch) => http.patch<User>(`/api/users/${id}`, patch),
  resetPassword: (id: number, password: string) =>
    http.post<unknown>(`/api/users/${id}/reset-password`, { password }),
  disable: (id: number) => http.post<unknown>(`/api/users/${id}/disable`),
  enable: (id: number) => http.post<unknown>(`/api/users/${id}/enable`),
};
