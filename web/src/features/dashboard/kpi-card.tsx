import type { ReactNode } from 'react';
import { Card, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  metricsApi,
  ratePartUnit,
  type MetricDef,
  type MetricQuery,
  type MetricRow,
} from '../../api/metrics-api';
import { errorMessage } from '../../api/http';
import { useApi } from '../../lib/use-api';
import { formatRate, formatValue } from '../../lib/format';
import { pickLang } from '../../i18n';

type Props = {
  def: MetricDef | undefined;
  id: string;
  query: MetricQuery;
  target?: number;
  /** an extra line under the figure, given the figure (e.g. revenue against the month's plan) */
  footer?: (value: number | null) => ReactNode;
  onDrill: (def: MetricDef, query: MetricQuery, row: MetricRow) => void;
};

/** One KPI: the figure, its definition on hover, and a click (or Enter) opens the drill-down. */
export function KpiCard({ def, id, query, target, footer, onDrill }: Props) {
  const { t, i18n } = useTranslation();
  const answer = useApi(() => metricsApi.query(id, query), JSON.stringify([id, query]), def !== undefined);
  const row = answer.data?.rows[0];
  const label = def ? pickLang(def.label_zh, def.label_en, i18n.language) : id;
  const definition = def
    ? pickLang(def.definition_zh, def.definition_en, i18n.language)
    : t('dashboard.notInCatalog');
  const value = row?.value ?? null;
  const belowTarget = target !== undefined && value !== null && value < target;

  const open = () => {
    if (def && row) onDrill(def, query, row);
  };

  return (
    <Tooltip title={definition} placement="top">
      <Card
        className="kpi-card"
        size="small"
        hoverable
        role="button"
        tabIndex={0}
        aria-label={`${label}: ${def && row ? formatValue(value, def.unit) : '—'}`}
        data-testid={`kpi-${id}`}
        onClick={open}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            open();
          }
        }}
        loading={answer.loading}
      >
        <Statistic
          title={label}
          value={def && row ? formatValue(value, def.unit) : '—'}
          valueStyle={
            belowTarget
              ? { color: '#cf1322' }
              : target !== undefined && value !== null
                ? { color: '#389e0d' }
                : undefined
          }
        />
        {target !== undefined && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dashboard.target', { target: formatRate(target) })}
          </Typography.Text>
        )}
        {footer && row && <div>{footer(value)}</div>}
        {def?.unit === 'rate' && row && row.denominator !== undefined && (
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatValue(row.numerator ?? null, ratePartUnit(def))} /{' '}
              {formatValue(row.denominator, ratePartUnit(def))}
            </Typography.Text>
          </div>
        )}
        {answer.data?.provisional && <Tag color="orange">{t('metrics.provisional')}</Tag>}
        {answer.error ? (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            {errorMessage(answer.error, i18n.language, t('common.requestFailed'))}
          </Typography.Text>
        ) : null}
        {!def && !answer.loading && (
          <Typography.Text type="secondary">{t('dashboard.notInCatalog')}</Typography.Text>
        )}
      </Card>
    </Tooltip>
  );
}
