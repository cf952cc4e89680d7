import { DatePicker, Form, InputNumber, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Cut, MetricDef, MetricQuery } from '../../api/metrics-api';
import { useReference } from '../../app/reference-context';
import { useSession } from '../auth/auth-context';
import { boundCounty } from '../../api/auth-api';
import { FAMILIES, familyOf } from './metric-labels';

type Props = {
  metricId: string | null;
  def: MetricDef | undefined;
  query: MetricQuery;
  onMetric: (id: string) => void;
  onQuery: (q: MetricQuery) => void;
};

const DATE = 'YYYY-MM-DD';
const MONTH = 'YYYY-MM';

/** Metric, time parameter for its kind, cuts it allows, and county/product filters. */
export function ExplorerControls({ metricId, def, query, onMetric, onQuery }: Props) {
  const { t } = useTranslation();
  const { catalog, reference, keyLabel, metricLabel } = useReference();
  const session = useSession();
  const bound = boundCounty(session.user);
  const set = (patch: Partial<MetricQuery>) => onQuery({ ...query, ...patch });

  const groups = FAMILIES.map((family) => ({
    label: t(`families.${family}`),
    title: t(`families.${family}`),
    options: (catalog ?? [])
      .filter((m) => familyOf(m) === family)
      .map((m) => ({ value: m.id, label: `${metricLabel(m)} · ${m.id}` })),
  })).filter((g) => g.options.length > 0);

  return (
    <Form layout="inline" style={{ rowGap: 8 }} data-testid="explorer-controls">
      <Form.Item label={t('explorer.metric')} htmlFor="explorer-metric">
        <Select
          id="explorer-metric"
          data-testid="explorer-metric"
          showSearch
          optionFilterProp="label"
          style={{ width: 300 }}
          placeholder={t('explorer.pickMetric')}
          value={metricId ?? undefined}
          onChange={onMetric}
          options={groups}
        />
      </Form.Item>
      {def?.kind === 'period' && (
        <Form.Item label={t('explorer.period')}>
          <DatePicker.RangePicker
            aria-label={t('explorer.period')}
            data-testid="explorer-range"
            allowClear={false}
            value={query.from && query.to ? [dayjs(query.from), dayjs(query.to)] : null}
            onChange={(r) => set({ from: r?.[0]?.format(DATE), to: r?.[1]?.format(DATE) })}
          />
        </Form.Item>
      )}
      {def?.kind === 'point' && (
        <Form.Item label={t('explorer.at')} htmlFor="explorer-at">
          <DatePicker
            id="explorer-at"
            allowClear={false}
            value={query.at ? dayjs(query.at) : null}
            onChange={(d) => set({ at: d?.format(DATE) })}
          />
        </Form.Item>
      )}
      {(def?.kind === 'bill_month' || def?.kind === 'month') && (
        <Form.Item
          label={def.kind === 'bill_month' ? t('explorer.billMonth') : t('explorer.month')}
          htmlFor="explorer-month"
        >
          <DatePicker
            id="explorer-month"
            picker="month"
            allowClear={false}
            value={query.month ? dayjs(`${query.month}-01`) : null}
            onChange={(d) => set({ month: d?.format(MONTH) })}
          />
        </Form.Item>
      )}
      {def?.kind === 'bill_month' && (
        <Form.Item label={t('explorer.cutoff')} htmlFor="explorer-cutoff" tooltip={t('explorer.cutoffHint')}>
          <DatePicker
            id="explorer-cutoff"
            value={query.cutoff ? dayjs(query.cutoff) : null}
            onChange={(d) => set({ cutoff: d?.format(DATE) })}
          />
        </Form.Item>
      )}
      {def?.kind === 'month' && def.id.startsWith('zero_fee') && (
        <Form.Item label={t('explorer.n')} htmlFor="explorer-n" tooltip={t('explorer.nHint')}>
          <InputNumber
            id="explorer-n"
            min={1}
            max={24}
            placeholder="3"
            value={query.n ?? null}
            onChange={(v) => set({ n: typeof v === 'number' ? v : undefined })}
          />
        </Form.Item>
      )}
      {def && def.cuts.length > 0 && (
        <Form.Item label={t('explorer.by')} htmlFor="explorer-by">
          <Select<Cut[]>
            id="explorer-by"
            data-testid="explorer-by"
            mode="multiple"
            allowClear
            style={{ minWidth: 200 }}
            placeholder={t('explorer.noCut')}
            value={query.by ?? []}
            onChange={(by) => set({ by })}
            options={def.cuts.map((c) => ({ value: c, label: t(`cuts.${c}`) }))}
          />
        </Form.Item>
      )}
      {def && (
        <Form.Item label={t('cuts.county')} htmlFor="explorer-county">
          <Select
            id="explorer-county"
            data-testid="county-select"
            allowClear
            disabled={bound !== null}
            style={{ minWidth: 160 }}
            placeholder={t('shell.allCounties')}
            value={bound ?? query.county}
            onChange={(v: string | undefined) => set({ county: v })}
            options={(reference?.counties ?? []).map((c) => ({
              value: c.code,
              label: keyLabel('county', c.code),
            }))}
          />
        </Form.Item>
      )}
      {def?.cuts.includes('product') && (
        <Form.Item label={t('cuts.product')} htmlFor="explorer-product">
          <Select
            id="explorer-product"
            allowClear
            style={{ minWidth: 160 }}
            placeholder={t('explorer.allProducts')}
            value={query.product}
            onChange={(v: string | undefined) => set({ product: v })}
            options={(reference?.products ?? []).map((p) => ({
              value: p.code,
              label: keyLabel('product', p.code),
            }))}
          />
        </Form.Item>
      )}
    </Form>
  );
}
