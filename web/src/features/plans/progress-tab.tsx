import { useState } from 'react';
import { Card, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatRate } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { plansApi, PLAN_METRICS, type ForecastRow, type PlanMetric, type ProgressRow } from './plans-api';
import { formatPlanValue, todayIso } from './plan-format';

const LIGHT_COLOR = { green: 'green', amber: 'gold', red: 'red' } as const;

/** Schedule progress at a date: ranked table with traffic lights, cumulative chart, forecast. */
export function ProgressTab() {
  const { t } = useTranslation();
  const [metric, setMetric] = useState<PlanMetric>('new_installs');
  const [at, setAt] = useState(todayIso());
  const year = Number(at.slice(0, 4));
  const q = { year, metric, at };
  const progress = useApi(() => plansApi.progress(q), JSON.stringify(q));
  const forecast = useApi(() => plansApi.forecast(q), `f${JSON.stringify(q)}`);
  const fmt = (v: number | null | undefined) => formatPlanValue(metric, v);
  const p = progress.data;
  const months = Array.from({ length: 12 }, (_, i) => `${i + 1}`);

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Space wrap>
        <Select
          aria-label={t('plans.col.annual')}
          data-testid="progress-metric"
          value={metric}
          onChange={setMetric}
          style={{ width: 160 }}
          options={PLAN_METRICS.map((m) => ({ value: m, label: t(`plans.metric.${m}`) }))}
        />
        <DatePicker
          allowClear={false}
          value={dayjs(at)}
          onChange={(d) => d && setAt(d.format('YYYY-MM-DD'))}
          aria-label={t('plans.at')}
        />
        {p && (
          <Typography.Text type="secondary">
            {t('plans.dateUsed', { date: p.date_used })} ·{' '}
            {t('plans.planVersion', { version: p.plan.version, status: t(`plans.status.${p.plan.status}`) })}
          </Typography.Text>
        )}
      </Space>
      <ErrorAlert error={progress.error} onRetry={progress.reload} />
      <Table<ProgressRow>
        data-testid="progress-table"
        rowKey="county"
        size="small"
        loading={progress.loading}
        pagination={false}
        dataSource={p ? [...p.rows].sort((a, b) => a.rank - b.rank) : []}
        columns={[
          { title: t('plans.col.rank'), dataIndex: 'rank', width: 70 },
          { title: t('plans.col.county'), dataIndex: 'county' },
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
              r.light ? <Tag color={LIGHT_COLOR[r.light]}>{t(`plans.light.${r.light}`)}</Tag> : '—',
          },
        ]}
      />
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
              { title: t('plans.col.county'), dataIndex: 'county', fixed: 'left' },
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
      <Card title={t('plans.forecast')} size="small">
        <ErrorAlert error={forecast.error} />
        <Table<ForecastRow>
          size="small"
          rowKey="county"
          pagination={false}
          dataSource={forecast.data?.rows ?? []}
          columns={[
            { title: t('plans.col.county'), dataIndex: 'county' },
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
    </Space>
  );
}
