import { useState } from 'react';
import { Col, DatePicker, Row, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { MetricDef, MetricQuery, MetricRow } from '../../api/metrics-api';
import { importsApi } from '../../api/imports-api';
import { boundCounty } from '../../api/auth-api';
import { useApi } from '../../lib/use-api';
import { addMonths, currentMonth } from '../../lib/format';
import { useReference } from '../../app/reference-context';
import { useAuth, useSession } from '../auth/auth-context';
import { DrillDrawer, type DrillTarget } from '../../components/drill-drawer';
import { ErrorAlert } from '../../components/error-alert';
import { KpiCard } from './kpi-card';
import { KPIS } from './dashboard-queries';
import { TrendCharts } from './trend-charts';
import { CountyRanking } from './county-ranking';
import { RevenuePlanLine, useRevenuePlan } from './revenue-plan';
import { rowCaption, rowKeys } from '../metrics/metric-labels';

/** The latest bill month that has been loaded, so the dashboard opens on a month with data. */
function useDefaultMonth(enabled: boolean): string | undefined {
  const { can } = useAuth();
  const fresh = useApi(() => importsApi.freshness(), 'freshness', enabled && can('import:read'));
  if (!enabled) return undefined;
  if (fresh.loading) return undefined;
  const bills = fresh.data?.datasets.find((d) => d.dataset === 'bills');
  return bills?.lastLoaded?.slice(0, 7) ?? addMonths(currentMonth(), -1);
}

export function DashboardPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { reference, catalogError, metric, keyLabel } = useReference();
  const [params, setParams] = useSearchParams();
  const urlMonth = params.get('month');
  const defaultMonth = useDefaultMonth(urlMonth === null);
  const month = urlMonth ?? defaultMonth;
  const scopeCounty = boundCounty(session.user);
  const county = scopeCounty ?? params.get('county') ?? undefined;
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const revenuePlan = useRevenuePlan(month, county);

  const update = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'month' && month && !next.get('month')) next.set('month', month);
    setParams(next, { replace: true });
  };

  const openDrill = (def: MetricDef, query: MetricQuery, row: MetricRow) =>
    setDrill({
      metric: def,
      query,
      row: rowKeys(row, query.by ?? []),
      caption: rowCaption(row, query, keyLabel, t),
    });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('nav.dashboard')}
        </Typography.Title>
        <Space wrap>
          <label htmlFor="dashboard-month">{t('dashboard.month')}</label>
          <DatePicker
            id="dashboard-month"
            picker="month"
            allowClear={false}
            value={month ? dayjs(`${month}-01`) : null}
            onChange={(d) => update('month', d ? d.format('YYYY-MM') : undefined)}
            data-testid="month-picker"
          />
          <label htmlFor="dashboard-county">{t('cuts.county')}</label>
          <Select
            id="dashboard-county"
            data-testid="county-select"
            style={{ minWidth: 160 }}
            disabled={scopeCounty !== null}
            allowClear
            placeholder={t('shell.allCounties')}
            value={county}
            onChange={(v: string | undefined) => update('county', v)}
            options={(reference?.counties ?? []).map((c) => ({
              value: c.code,
              label: keyLabel('county', c.code),
            }))}
          />
        </Space>
      </Space>
      <ErrorAlert error={catalogError} />
      {month && (
        <>
          <Row gutter={[12, 12]} data-testid="kpi-grid">
            {KPIS.map((k) => (
              <Col key={k.id} xs={12} md={8} lg={6} xxl={4}>
                <KpiCard
                  id={k.id}
                  def={metric(k.id)}
                  query={{ ...k.query(month), county }}
                  target={k.target}
                  footer={
                    k.id === 'revenue' && revenuePlan !== undefined
                      ? (value) => <RevenuePlanLine plan={revenuePlan} actual={value} />
                      : undefined
                  }
                  onDrill={openDrill}
                />
              </Col>
            ))}
          </Row>
          <TrendCharts month={month} county={county} />
          {!county && <CountyRanking month={month} onDrill={openDrill} />}
        </>
      )}
      <DrillDrawer target={drill} onClose={() => setDrill(null)} />
    </Space>
  );
}
