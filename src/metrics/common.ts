import { sql, type RawBuilder } from 'kysely';
import type { DrillColumn } from './types.js';

/** `d` as a SQL date parameter. */
export const d = (v: string): RawBuilder<unknown> => sql`${v}::date`;

/** The subscriber columns every subscriber-based record carries for the drill-down. */
export const SUB_COLS = sql`s.subscriber_id, s.customer_name, s.id_number, s.phone`;

export const col = (
  key: string,
  label_zh: string,
  label_en: string,
  kind: DrillColumn['kind'] = 'text',
  pii?: DrillColumn['pii'],
): DrillColumn => (pii ? { key, label_zh, label_en, kind, pii } : { key, label_zh, label_en, kind });

export const SUBSCRIBER_COLUMNS: DrillColumn[] = [
  col('subscriber_id', '用户编码', 'Subscriber'),
  col('customer_name', '客户名称', 'Customer', 'text', 'name'),
  col('id_number', '证件号码', 'ID number', 'text', 'id_number'),
  col('phone', '联系电话', 'Phone', 'text', 'phone'),
  col('county', '县区', 'County'),
  col('product', '产品', 'Product'),
];

/** active(s, day) from the subscriber master. */
export const active = (day: RawBuilder<unknown>): RawBuilder<unknown> =>
  sql`s.install_date <= ${day} and (s.disconnect_date is null or s.disconnect_date > ${day})`;
