import { http } from './http';
import type { Page } from './imports-api';

export type SubscriberSummary = {
  subscriber_id: string;
  account_id: string | null;
  customer_name: string | null;
  phone: string | null;
  county_code: string;
  product_code: string;
  status: string;
};

export type Record_ = Record<string, unknown>;

/** Sections of the subscriber page; each is a list of plain records rendered generically. */
export const SUBSCRIBER_SECTIONS = [
  'bills',
  'payments',
  'arrears',
  'orders',
  'contracts',
  'moves',
  'deposits',
  'followups',
  'findings',
] as const;
export type SubscriberSection = (typeof SUBSCRIBER_SECTIONS)[number];

export type SubscriberDetail = { subscriber: Record_ } & Partial<Record<SubscriberSection, Record_[]>>;

export type RevealedPii = { customer_name: string | null; id_number: string | null; phone: string | null };

export const subscribersApi = {
  search: (q: string, page: number, pageSize: number) =>
    http.get<Page<SubscriberSummary>>('/api/subscribers', { q, page, pageSize }),
  get: (id: string) => http.get<SubscriberDetail>(`/api/subscribers/${encodeURIComponent(id)}`),
  reveal: (id: string) => http.post<RevealedPii>(`/api/subscribers/${encodeURIComponent(id)}/reveal`),
};
