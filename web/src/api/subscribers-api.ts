import { http } from './http';

export type Record_ = Record<string, unknown>;

export type SubscriberSummary = {
  subscriber_id: string;
  account_id: string | null;
  customer_name: string | null;
  phone: string | null;
  county: string | null;
  product: string | null;
  status: string;
};

/** One block of the subscriber page: its rows plus optional totals shown above the table. */
export type SubscriberSection = { key: string; rows: Record_[]; totals?: Record_ };

export type SubscriberDetail = { subscriber: Record_; sections: SubscriberSection[] };

export type RevealedPii = { customer_name: string | null; id_number: string | null; phone: string | null };

type Page<T> = { rows: T[]; total: number };

/** The server speaks camelCase; the page labels fields by snake_case keys (fields.* in the i18n files). */
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function snakeKeys(value: unknown): Record_ {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record_).map(([k, v]) => [snake(k), v]));
}

const rowsOf = (value: unknown): Record_[] => (Array.isArray(value) ? value.map(snakeKeys) : []);

/** Order of the blocks on the page; unknown blocks (sections other modules register) follow. */
const ORDER = [
  'bills',
  'payments',
  'adjustments',
  'refunds',
  'arrears',
  'orders',
  'stopHistory',
  'contracts',
  'stockMoves',
  'deposits',
] as const;

function toDetail(raw: Record_): SubscriberDetail {
  const sections: SubscriberSection[] = [];
  for (const key of ORDER) {
    const v = raw[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      sections.push({ key, rows: rowsOf(v) });
    } else if (v && typeof v === 'object') {
      // blocks such as arrears {cutoff, totalOwed, months:[…]} or deposits {balance, rows:[…]}
      const { months, rows, ...totals } = v as Record_;
      sections.push({ key, rows: rowsOf(months ?? rows), totals: snakeKeys(totals) });
    }
  }
  const extra = raw.sections;
  if (extra && typeof extra === 'object') {
    for (const [key, v] of Object.entries(extra as Record_)) {
      if (Array.isArray(v)) sections.push({ key, rows: rowsOf(v) });
      else if (v && typeof v === 'object') {
        const { rows, items, ...totals } = v as Record_;
        sections.push({ key, rows: rowsOf(rows ?? items), totals: snakeKeys(totals) });
      }
    }
  }
  return { subscriber: snakeKeys(raw.subscriber), sections };
}

export const subscribersApi = {
  search: async (q: string, page: number, pageSize: number): Promise<Page<SubscriberSummary>> => {
    const raw = await http.get<Page<Record_>>('/api/subscribers', { q, page, pageSize });
    return {
      total: raw.total,
      rows: raw.rows.map((r) => {
        const s = snakeKeys(r);
        return {
          subscriber_id: String(s.subscriber_id ?? ''),
          account_id: (s.account_id as string | null) ?? null,
          customer_name: (s.customer_name as string | null) ?? null,
          phone: (s.phone as string | null) ?? null,
          county: ((s.county ?? s.county_code) as string | null) ?? null,
          product: ((s.product ?? s.product_code) as string | null) ?? null,
          status: String(s.status ?? ''),
        };
      }),
    };
  },
  get: async (id: string) => toDetail(await http.get<Record_>(`/api/subscribers/${encodeURIComponent(id)}`)),
  reveal: async (id: string): Promise<RevealedPii> => {
    const s = snakeKeys(await http.post<Record_>(`/api/subscribers/${encodeURIComponent(id)}/reveal`));
    return {
      customer_name: (s.customer_name as string | null) ?? null,
      id_number: (s.id_number as string | null) ?? null,
      phone: (s.phone as string | null) ?? null,
    };
  },
};
