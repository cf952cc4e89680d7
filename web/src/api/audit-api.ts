import { http } from './http';
import type { Page } from './imports-api';

export type AuditEntry = {
  audit_id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  county_code: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
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
    http.get<Page<AuditEntry>>('/api/audit', { ...filter, page, pageSize }),
};
