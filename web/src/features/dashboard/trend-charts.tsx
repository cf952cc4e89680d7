import { Card, Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { metricsApi, type MetricAnswer, type MetricQuery } from '../../api/metrics-api';
import { useApi } from '../../lib/use-api';
import { formatCount, formatMoney, formatMoneyShort, formatRate } from '../../lib/format';
import { Chart, type EChartsOption } from '../../components/chart';
import { ErrorAlert } from '../../components/error-alert';
import { useReference } from '../../app/reference-context';
import { COLLECTION_TARGET, last12Months, trendPeriod } from './dashboard-queries';

const byMonth = (answer: MetricAnswer | undefined): Map<string, number | null> =>
  new Map((answer?.rows ?? []).map((r) => [(r.month ?? '').slice(0, 7), r.value]));

type Trends = {
  revenue: MetricAnswer;
  installs: MetricAnswer;
  netAdds: MetricAnswer;
  collection: { month: string; value: number | null }[];
};

/** Twelve-month trends: revenue with new installs and net adds, and the collection rate against 98 %. */
export function TrendCharts({ month, county }: { month: string; county?: string }) {
  const { t, i18n } = useTranslation();
  const { metricLabel, metric } = useReference();
  const months = last12Months(month);
  const filter: MetricQuery = county ? { county } : {};

  const trends = useApi<Trends>(
    async () => {
      const period = { ...trendPeriod(month), ...filter };
      const [revenue, installs, netAdds, ...collection] = await Promise.all([
        metricsApi.query('revenue', period),
        metricsApi.query('new_installs', period),
        metricsApi.query('net_adds', period),
        ...months.map((m) => metricsApi.query('current_collection_rate', { month: m, ...filter })),
      ]);
      return {
        revenue: revenue!,
        installs: installs!,
        netAdds: netAdds!,
        collection: collection.map((a, i) => ({ month: months[i]!, value: a.rows[0]?.value ?? null })),
      };
    },
    JSON.stringify(['trends', month, county]),
  );

  const revenue = byMonth(trends.data?.revenue);
  const installs = byMonth(trends.data?.installs);
  const netAdds = byMonth(trends.data?.netAdds);
  const lang = i18n.language;

  const devOption: EChartsOption = {
    tooltip: {
      trigger: 'axis',
    },
    legend: { top: 0 },
    grid: { left: 64, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months },
    yAxis: [
      { type: 'value', axisLabel: { formatter: (v: number) => formatMoneyShort(v, lang) } },
      { type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
    ],
    series: [
      {
        name: metricLabel(metric('revenue'), t('dashboard.revenue')),
        type: 'bar',
        data: months.map((m) => revenue.get(m) ?? null),
        tooltip: { valueFormatter: (v) => formatMoney(typeof v === 'number' ? v : null) },
      },
      {
        name: metricLabel(metric('new_installs'), t('dashboard.newInstalls')),
        type: 'line',
        yAxisIndex: 1,
        data: months.map((m) => installs.get(m) ?? null),
        tooltip: { valueFormatter: (v) => formatCount(typeof v === 'number' ? v : null) },
      },
      {
        name: metricLabel(metric('net_adds'), t('dashboard.netAdds')),
        type: 'line',
        yAxisIndex: 1,
        data: months.map((m) => netAdds.get(m) ?? null),
        tooltip: { valueFormatter: (v) => formatCount(typeof v === 'number' ? v : null) },
      },
    ],
  };

  const collectionOption: EChartsOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatRate(typeof v === 'number' ? v : null) },
    legend: { top: 0 },
    grid: { left: 64, right: 24, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months },
    yAxis: {
      type: 'value',
      min: (v: { min: number }) => Math.max(0, Math.floor(v.min * 20) / 20),
      max: 1,
      axisLabel: { formatter: (v: number) => formatRate(v, 0) },
    },
    series: [
      {
        name: metricLabel(metric('current_collection_rate'), t('dashboard.collectionRate')),
        type: 'line',
        data: (trends.data?.collection ?? []).map((c) => c.value),
        connectNulls: false,
        markLine: {
          symbol: 'none',
          data: [
            {
              yAxis: COLLECTION_TARGET,
              name: t('dashboard.target', { target: formatRate(COLLECTION_TARGET) }),
            },
          ],
          label: { formatter: t('dashboard.target', { target: formatRate(COLLECTION_TARGET) }) },
          lineStyle: { type: 'dashed', color: '#cf1322' },
        },
      },
    ],
  };

  return (
    <>
      <ErrorAlert error={trends.error} onRetry={trends.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.devTrend')} size="small" loading={trends.loading}>
            <Chart option={devOption} label={t('dashboard.devTrend')} testId="chart-development" />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('dashboard.collectionTrend')} size="small" loading={trends.loading}>
            <Chart
              option={collectionOption}
              label={t('dashboard.collectionTrend')}
              testId="chart-collection"
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
