import { http } from './http';

export type AuditEntry = {
  auditId: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  county: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
  ip: string | null;
};

export type AuditFilter = {
  actor?: string;
  action?: string;
  entity?: string;
  from?: string;
  to?: string;
};

export const auditApi = {
  list: (filter: AuditFilter, page: number, pageSize: number) =>
    http.get<{ rows: AuditEntry[]; total: number }>('/api/audit', { ...filter, page, pageSize }),
};
