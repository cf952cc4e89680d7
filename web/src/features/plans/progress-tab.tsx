import { Button, Card, DatePicker, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../lib/use-api';
import { formatRate } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { useReference } from '../../app/reference-context';
import { plansApi, PLAN_METRICS, type ForecastRow, type PlanMetric, type ProgressRow } from './plans-api';
import { formatPlanValue, todayIso } from './plan-format';
import { ALL_PRODUCTS, ProductPicker, productOf } from './product-picker';

const LIGHT_COLOR = { green: 'green', amber: 'gold', red: 'red' } as const;

const isMetric = (s: string | null): s is PlanMetric => PLAN_METRICS.some((m) => m === s);
const isDate = (s: string | null): s is string => s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** Schedule progress at a date: ranked table with traffic lights, cumulative chart, forecast. */
export function ProgressTab() {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  // metric and date live in the URL (?metric=&at=) so a view can be shared
  const [params, setParams] = useSearchParams();
  const metricParam = params.get('metric');
  const atParam = params.get('at');
  const metric: PlanMetric = isMetric(metricParam) ? metricParam : 'new_installs';
  const at = isDate(atParam) ? atParam : todayIso();
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const productParam = params.get('product') ?? ALL_PRODUCTS;
  const product = productOf(productParam);
  const year = Number(at.slice(0, 4));
  const q = { year, metric, at, product: product ?? ALL_PRODUCTS };
  // ask for progress only when the year has a published plan, so "no plan yet" is an empty state, not an error
  const plans = useApi(() => plansApi.list(year, metric), `${year}-${metric}`);
  const hasPlan = (plans.data ?? []).some(
    (v) => v.metric === metric && v.product === product && v.status === 'published',
  );
  const progress = useApi(() => plansApi.progress(q), JSON.stringify(q), hasPlan);
  const forecast = useApi(() => plansApi.forecast(q), `f${JSON.stringify(q)}`, hasPlan);
  const fmt = (v: number | null | undefined) => formatPlanValue(metric, v);
  const p = hasPlan ? progress.data : undefined;
  const months = Array.from({ length: 12 }, (_, i) => `${i + 1}`);

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Space wrap>
        <Select
          aria-label={t('plans.col.annual')}
          data-testid="progress-metric"
          value={metric}
          onChange={(m) => setParam('metric', m)}
          style={{ width: 160 }}
          options={PLAN_METRICS.map((m) => ({ value: m, label: t(`plans.metric.${m}`) }))}
        />
        <ProductPicker
          testId="progress-product"
          value={productParam}
          onChange={(v) => setParam('product', v)}
        />
        <DatePicker
          allowClear={false}
          value={dayjs(at)}
          onChange={(d) => d && setParam('at', d.format('YYYY-MM-DD'))}
          aria-label={t('plans.at')}
          data-testid="progress-at"
        />
        {p && (
          <Typography.Text type="secondary" data-testid="progress-caption">
            {t('plans.dateUsed', { date: p.date_used })} ·{' '}
            {t('plans.planVersion', { version: p.plan.version, status: t(`plans.status.${p.plan.status}`) })}{' '}
            ·{' '}
            {t('plans.thresholds', {
              green: formatRate(Number(p.thresholds.green), 0),
              amber: formatRate(Number(p.thresholds.amber), 0),
            })}
          </Typography.Text>
        )}
      </Space>
      <ErrorAlert error={plans.error ?? progress.error} onRetry={hasPlan ? progress.reload : plans.reload} />
      {plans.data && !hasPlan && (
        <Empty
          data-testid="progress-no-plan"
          description={
            <>
              <Typography.Text strong>
                {t('plans.noPlan', {
                  year,
                  metric: `${t(`plans.metric.${metric}`)}${product ? ` · ${product}` : ''}`,
                })}
              </Typography.Text>
              <br />
              <Typography.Text type="secondary">{t('plans.noPlanHint')}</Typography.Text>
            </>
          }
        >
          <Button type="primary" onClick={() => setParam('tab', 'versions')}>
            {t('plans.goVersions')}
          </Button>
        </Empty>
      )}
      {hasPlan && (
        <Table<ProgressRow>
          data-testid="progress-table"
          rowKey="county"
          size="small"
          loading={progress.loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={p ? [...p.rows].sort((a, b) => a.rank - b.rank) : []}
          rowClassName={(r) => `progress-row-${r.county}`}
          columns={[
            {
              title: t('plans.col.rank'),
              dataIndex: 'rank',
              width: 70,
              render: (v: number, r) => <span data-testid={`progress-rank-${r.county}`}>{v}</span>,
            },
            {
              title: t('plans.col.county'),
              dataIndex: 'county',
              render: (c: string) => <span data-testid="progress-county">{keyLabel('county', c)}</span>,
            },
            { title: t('plans.col.annual'), dataIndex: 'annual', align: 'right', render: fmt },
            { title: t('plans.col.planToDate'), dataIndex: 'plan_to_date', align: 'right', render: fmt },
            { title: t('plans.col.actualYtd'), dataIndex: 'actual_ytd', align: 'right', render: fmt },
            { title: t('plans.col.gap'), dataIndex: 'gap_to_schedule', align: 'right', render: fmt },
            {
              title: t('plans.col.completion'),
              align: 'right',
              render: (_, r) => formatRate(r.completion_rate.value),
            },
            {
              title: t('plans.col.timeProgress'),
              align: 'right',
              render: (_, r) => formatRate(r.time_progress.value),
            },
            {
              title: t('plans.col.attainment'),
              align: 'right',
              render: (_, r) => formatRate(r.schedule_attainment.value),
            },
            {
              title: t('plans.col.light'),
              render: (_, r) =>
                r.light ? (
                  <Tag
                    color={LIGHT_COLOR[r.light]}
                    data-testid={`progress-light-${r.county}`}
                    data-light={r.light}
                  >
                    {t(`plans.light.${r.light}`)}
                  </Tag>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}
      {p && (
        <Card title={t('plans.cumulative')} size="small">
          <Chart
            label={t('plans.cumulative')}
            testId="cumulative-chart"
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: months },
              yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
              series: [
                { name: t('plans.planLine'), type: 'line', data: p.cumulative.plan },
                { name: t('plans.actualLine'), type: 'line', data: p.cumulative.actual },
              ],
            }}
          />
        </Card>
      )}
      {p && (
        <Card title={t('plans.monthly')} size="small">
          <Table
            size="small"
            rowKey="county"
            pagination={false}
            scroll={{ x: true }}
            dataSource={p.monthly}
            columns={[
              {
                title: t('plans.col.county'),
                dataIndex: 'county',
                fixed: 'left',
                render: (c: string) => keyLabel('county', c),
              },
              ...months.map((m, k) => ({
                title: m,
                key: m,
                align: 'right' as const,
                render: (_: unknown, r: (typeof p.monthly)[number]) => (
                  <span>
                    {fmt(r.plan[k])}
                    <br />
                    <Typography.Text type="secondary">{fmt(r.actual[k])}</Typography.Text>
                  </span>
                ),
              })),
            ]}
          />
        </Card>
      )}
      {hasPlan && (
        <Card title={t('plans.forecast')} size="small">
          <ErrorAlert error={forecast.error} />
          <Table<ForecastRow>
            size="small"
            rowKey="county"
            pagination={false}
            dataSource={forecast.data?.rows ?? []}
            columns={[
              {
                title: t('plans.col.county'),
                dataIndex: 'county',
                render: (c: string) => keyLabel('county', c),
              },
              { title: t('plans.col.annual'), dataIndex: 'annual', align: 'right', render: fmt },
              { title: t('plans.col.actualYtd'), dataIndex: 'actual_ytd', align: 'right', render: fmt },
              { title: t('plans.col.byAttainment'), dataIndex: 'by_attainment', align: 'right', render: fmt },
              {
                title: t('plans.col.gapForecast'),
                dataIndex: 'gap_by_attainment',
                align: 'right',
                render: fmt,
              },
              { title: t('plans.col.byRunRate'), dataIndex: 'by_run_rate', align: 'right', render: fmt },
              { title: t('plans.col.needed'), dataIndex: 'needed_monthly', align: 'right', render: fmt },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
