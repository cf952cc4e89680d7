import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { referenceApi, type Reference } from '../api/reference-api';
import { metricsApi, type MetricDef } from '../api/metrics-api';
import { useApi } from '../lib/use-api';
import { pickLang } from '../i18n';
import type { Cut } from '../api/metrics-api';

type RefData = {
  reference: Reference | undefined;
  catalog: MetricDef[] | undefined;
  catalogError: unknown;
  referenceError: unknown;
  loading: boolean;
  /** Display name of a group key ("C01" → "城关区 C01"); null keys become a readable label. */
  keyLabel: (cut: Cut, code: string | null | undefined) => string;
  metric: (id: string) => MetricDef | undefined;
  metricLabel: (def: MetricDef | undefined, fallback?: string) => string;
};

const Ctx = createContext<RefData | null>(null);

/** Reference data and the metric catalog are loaded once per session and shared by every page. */
export function ReferenceProvider({ children, canMetrics }: { children: ReactNode; canMetrics: boolean }) {
  const { t, i18n } = useTranslation();
  const ref = useApi(() => referenceApi.get(), 'reference');
  const cat = useApi(() => metricsApi.catalog(), 'catalog', canMetrics);

  const value = useMemo<RefData>(() => {
    const names = new Map<string, string>();
    const r = ref.data;
    for (const c of r?.counties ?? []) names.set(`county:${c.code}`, c.name);
    for (const p of r?.products ?? []) names.set(`product:${p.code}`, p.name);
    for (const o of r?.outlets ?? []) names.set(`outlet:${o.code}`, o.name);
    for (const w of r?.warehouses ?? []) names.set(`warehouse:${w.code}`, w.name);
    for (const it of r?.items ?? []) names.set(`item:${it.code}`, it.name);
    const byId = new Map((cat.data ?? []).map((m) => [m.id, m]));
    return {
      reference: r,
      catalog: cat.data,
      catalogError: cat.error,
      referenceError: ref.error,
      loading: ref.loading || cat.loading,
      keyLabel: (cut, code) => {
        if (code === null || code === undefined) {
          if (cut === 'county' || cut === 'warehouse') return t('cuts.cityLevel');
          return t('cuts.none');
        }
        const name = names.get(`${cut}:${code}`);
        return name ? `${name} (${code})` : code;
      },
      metric: (id) => byId.get(id),
      metricLabel: (def, fallback) =>
        def ? pickLang(def.label_zh, def.label_en, i18n.language) : (fallback ?? ''),
    };
  }, [ref.data, ref.error, ref.loading, cat.data, cat.error, cat.loading, t, i18n.language]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useReference(): RefData {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useReference outside ReferenceProvider');
  return ctx;
}
