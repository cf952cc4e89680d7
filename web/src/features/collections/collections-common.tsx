import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { boundCounty } from '../../api/auth-api';
import { useReference } from '../../app/reference-context';
import { useSession } from '../auth/auth-context';
import { formatRate } from '../../lib/format';
import type { Rate } from './collections-api';

/**
 * Today in Asia/Shanghai, the server's calendar (lists and bulletins are dated by it), whatever the
 * browser's time zone.
 */
export const todayIso = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

export const rateText = (r: Rate | null | undefined): string => formatRate(r?.value ?? null);

/** Target in basis points (9800) → "98.00%". */
export const targetText = (bp: number): string => formatRate(bp / 10000);

/** A county code as "城关区 (C01)"; null is the city row. */
export function useCountyLabel(): (code: string | null | undefined) => string {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  return (code) => (code ? keyLabel('county', code) : t('coll.city'));
}

/**
 * The county a tab works on: fixed for county-bound users, otherwise ?county= (empty = all).
 * Kept in the URL so a reload or a shared link shows the same view.
 */
export function useCountyParam(): {
  county: string | undefined;
  bound: string | null;
  setCounty: (c: string | undefined) => void;
} {
  const session = useSession();
  const bound = boundCounty(session.user);
  const [params, setParams] = useSearchParams();
  const county = bound ?? params.get('county') ?? undefined;
  const setCounty = (c: string | undefined) => {
    const next = new URLSearchParams(params);
    if (c) next.set('county', c);
    else next.delete('county');
    setParams(next, { replace: true });
  };
  return { county, bound, setCounty };
}

/** A URL-kept string parameter of the page (month, date…) with a default. */
export function useParam(key: string, fallback: string): [string, (v: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(key) ?? fallback;
  const set = (v: string) => {
    const next = new URLSearchParams(params);
    next.set(key, v);
    setParams(next, { replace: true });
  };
  return [value, set];
}

export function CountySelect({
  value,
  onChange,
  allowAll = true,
  testId = 'coll-county',
}: {
  value: string | undefined;
  onChange: (c: string | undefined) => void;
  allowAll?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { reference } = useReference();
  const label = useCountyLabel();
  const session = useSession();
  const bound = boundCounty(session.user);
  if (bound) return null;
  return (
    <Select
      data-testid={testId}
      aria-label={t('coll.county')}
      style={{ width: 200 }}
      value={value ?? ''}
      onChange={(v: string) => onChange(v || undefined)}
      options={[
        ...(allowAll ? [{ value: '', label: t('coll.allCounties') }] : []),
        ...(reference?.counties ?? []).map((c) => ({ value: c.code, label: label(c.code) })),
      ]}
      placeholder={t('coll.fu.pickCounty')}
    />
  );
}
