import type { TFunction } from 'i18next';
import { formatCount, formatDate, formatDateTime, formatMoney } from '../../lib/format';

/** Money fields of the subscriber page (integer fen). */
const MONEY = /(^|_)(amount|due|paid|owed|fee|monthly_fee|balance|collected|receivable)(_fen)?$/;
const DATE = /(_date|^date)$/;
const TIMESTAMP = /(_at|_time)$/;

/** How one field of a subscriber record is shown; the field name decides (money, date, timestamp, text). */
export function formatField(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    if (MONEY.test(field)) return formatMoney(value);
    return field.endsWith('_id') || field.endsWith('_code') ? String(value) : formatCount(value);
  }
  if (typeof value === 'string') {
    if (TIMESTAMP.test(field)) return formatDateTime(value);
    if (DATE.test(field)) return formatDate(value);
    return value;
  }
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return JSON.stringify(value);
}

export const isMoneyField = (field: string): boolean => MONEY.test(field);

export const fieldLabel = (t: TFunction, field: string): string =>
  t(`fields.${field}`, { defaultValue: field });

/** Enumerated values (status, order type, channel…) read in the UI language when we know them. */
export function enumLabel(t: TFunction, field: string, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const known = ['status', 'order_type', 'channel', 'kind', 'move_type'];
  if (!known.includes(field)) return null;
  return t(`enums.${value}`, { defaultValue: value });
}
