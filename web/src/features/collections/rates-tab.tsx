import { useState } from 'react';
import { Button, Card, DatePicker, Drawer, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../lib/use-api';
import { formatMoney } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { collectionsApi, type CountyCollection, type Debtor } from './collections-api';
import {
  CountySelect,
  rateText,
  targetText,
  useCountyLabel,
  useCountyParam,
  useParam,
} from './collections-common';
import { useDefaultBillMonth } from './use-default-month';

/** Collection rate per county for a bill month vs the target, the collection curve, drill to debtors. */
export function RatesTab() {
  const { t } = useTranslation();
  const fallback = useDefaultBillMonth();
  const [month, setMonth] = useParam('month', fallback);
  const { county, setCounty } = useCountyParam();
  const label = useCountyLabel();
  const [drill, setDrill] = useState<string | null>(null);
  const q = { month, county };
  const overview = useApi(() => collectionsApi.overview(q), `ov${JSON.stringify(q)}`);
  const curve = useApi(() => collectionsApi.curve(q), `cv${JSON.stringify(q)}`);
  const o = overview.data;
  const rows: CountyCollection[] = o ? [...o.counties, ...(o.city ? [o.city] : [])] : [];
  const maxDay = Math.max(0, ...(curve.data?.series ?? []).map((s) => s.points.length));

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          picker="month"
          allowClear={false}
          aria-label={t('coll.month')}
          data-testid="rates-month"
          value={dayjs(`${month}-01`)}
          onChange={(d) => d && setMonth(d.format('YYYY-MM'))}
        />
        <CountySelect value={county} onChange={setCounty} />
        {o && (
          <>
            <Tag color={o.provisional ? 'gold' : 'blue'} data-testid="rates-provisional">
              {o.provisional ? t('coll.rates.provisional') : t('coll.rates.final')}
            </Tag>
            <Typography.Text type="secondary">
              {t('coll.rates.cutoff', { date: o.cutoff })} · {t('coll.rates.target')}{' '}
              {targetText(o.target_bp)}
            </Typography.Text>
          </>
        )}
      </Space>
      <ErrorAlert error={overview.error} onRetry={overview.reload} />
      <Table<CountyCollection>
        data-testid="rates-table"
        rowKey={(r) => r.county_code ?? 'city'}
        size="small"
        loading={overview.loading}
        pagination={false}
        dataSource={rows}
        rowClassName={(r) => (r.below_target ? 'coll-row-below' : '')}
        onRow={(r) =>
          ({ 'data-below': r.below_target ? 'true' : 'false' }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('coll.county'),
            key: 'county',
            render: (_, r) => (r.county_code ? label(r.county_code) : <strong>{t('coll.city')}</strong>),
          },
          { title: t('coll.rates.receivable'), dataIndex: 'receivable', align: 'right', render: formatMoney },
          { title: t('coll.rates.collected'), dataIndex: 'collected', align: 'right', render: formatMoney },
          {
            title: t('coll.rates.rate'),
            key: 'rate',
            align: 'right',
            render: (_, r) => (
              <Typography.Text type={r.below_target ? 'danger' : undefined} strong={r.below_target}>
                {rateText(r.rate)}
              </Typography.Text>
            ),
          },
          {
            title: t('coll.rates.vsTarget'),
            key: 'vs',
            render: (_, r) =>
              r.rate.denominator === 0 ? (
                '—'
              ) : r.below_target ? (
                <Tag color="red">{t('coll.rates.below')}</Tag>
              ) : (
                <Tag color="green">{t('coll.rates.met')}</Tag>
              ),
          },
          {
            title: t('coll.rates.owing'),
            key: 'drill',
            render: (_, r) =>
              r.county_code && r.collected < r.receivable ? (
                <Button
                  size="small"
                  type="link"
                  data-testid={`rates-drill-${r.county_code}`}
                  onClick={() => setDrill(r.county_code)}
                >
                  {t('coll.rates.drill')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Card title={t('coll.rates.curve')} size="small">
        <ErrorAlert error={curve.error} onRetry={curve.reload} />
        {curve.data && (
          <Chart
            label={t('coll.rates.curve')}
            testId="rates-curve"
            option={{
              tooltip: {
                trigger: 'axis',
                valueFormatter: (v) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '—'),
              },
              legend: {},
              grid: { left: 60, right: 100 },
              xAxis: {
                type: 'category',
                data: Array.from({ length: maxDay }, (_, i) => t('coll.rates.day', { n: i + 1 })),
              },
              yAxis: {
                type: 'value',
                max: 1,
                axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
              },
              series: curve.data.series.map((s, i) => ({
                name: t(`coll.rates.series.${s.key}`, { m: s.month }),
                type: 'line',
                showSymbol: false,
                data: s.points.map((p) => p.rate?.value ?? null),
                ...(i === 0
                  ? {
                      markLine: {
                        symbol: 'none',
                        label: {
                          formatter: `${t('coll.rates.target')} ${targetText(curve.data?.target_bp ?? 0)}`,
                        },
                        lineStyle: { type: 'dashed', color: '#cf1322' },
                        data: [{ yAxis: (curve.data?.target_bp ?? 0) / 10000 }],
                      },
                    }
                  : {}),
              })),
            }}
          />
        )}
      </Card>
      <OwingDrawer month={month} cutoff={o?.cutoff} county={drill} onClose={() => setDrill(null)} />
    </Space>
  );
}

export function DebtorTable({ rows, loading, testId }: { rows: Debtor[]; loading: boolean; testId: string }) {
  const { t } = useTranslation();
  const label = useCountyLabel();
  return (
    <Table<Debtor>
      data-testid={testId}
      rowKey="subscriber_id"
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        {
          title: t('coll.debtor.subscriber'),
          dataIndex: 'subscriber_id',
          render: (id: string) => <Link to={`/subscribers/${encodeURIComponent(id)}`}>{id}</Link>,
        },
        { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
        { title: t('coll.debtor.name'), dataIndex: 'customer_name' },
        { title: t('coll.debtor.phone'), dataIndex: 'phone' },
        { title: t('coll.debtor.owed'), dataIndex: 'owed', align: 'right', render: formatMoney },
        { title: t('coll.debtor.months'), dataIndex: 'months', align: 'right' },
        { title: t('coll.debtor.oldest'), dataIndex: 'oldest_month' },
      ]}
    />
  );
}

// the drill-down uses the rate's own cutoff, so its debtors add up to receivable − collected
function OwingDrawer({
  month,
  cutoff,
  county,
  onClose,
}: {
  month: string;
  cutoff: string | undefined;
  county: string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const label = useCountyLabel();
  const q = { month, cutoff: cutoff || undefined, county: county ?? undefined, limit: 500 };
  const owing = useApi(() => collectionsApi.owing(q), `ow${JSON.stringify(q)}`, county !== null);
  return (
    <Drawer
      open={county !== null}
      onClose={onClose}
      width={900}
      title={t('coll.rates.owingTitle', { county: label(county), month })}
    >
      <ErrorAlert error={owing.error} onRetry={owing.reload} />
      <DebtorTable rows={owing.data?.rows ?? []} loading={owing.loading} testId="owing-table" />
    </Drawer>
  );
}
