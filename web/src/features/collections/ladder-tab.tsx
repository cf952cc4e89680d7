import { Card, DatePicker, InputNumber, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../lib/use-api';
import { addMonths, formatCount } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { collectionsApi, type LadderState, type LongDualStop, type StateDuration } from './collections-api';
import { CountySelect, todayIso, useCountyLabel, useCountyParam, useParam } from './collections-common';
import { useDataDate, useDefaultBillMonth } from './use-default-month';

const STATES: LadderState[] = ['normal', 'single_stop', 'dual_stop', 'disconnected'];
const FROM_STATES: LadderState[] = ['new', 'normal', 'single_stop', 'dual_stop'];
const COLORS: Record<LadderState, string> = {
  new: '#91caff',
  normal: '#95de64',
  single_stop: '#ffc53d',
  dual_stop: '#fa8c16',
  disconnected: '#cf1322',
};

/** The stop ladder 正常 → 单停 → 双停 → 拆机: month-end states, flows of a month, durations, long dual stops. */
export function LadderTab() {
  const { t } = useTranslation();
  const last = useDefaultBillMonth();
  const [to, setTo] = useParam('to', last);
  const from = addMonths(to, -11);
  const [flowMonth, setFlowMonth] = useParam('flow', to);
  const [days, setDays] = useParam('days', '');
  const at = useDataDate(todayIso());
  const { county, setCounty } = useCountyParam();
  const label = useCountyLabel();
  const q = { from, to, county };
  const ladder = useApi(() => collectionsApi.ladder(q), `lad${JSON.stringify(q)}`);
  const dq = { at, county };
  const durations = useApi(() => collectionsApi.durations(dq), `dur${JSON.stringify(dq)}`);
  const lq = { at, county, days: days ? Number(days) : undefined };
  const long = useApi(() => collectionsApi.longDualStops(lq), `lds${JSON.stringify(lq)}`);
  const months = Array.from({ length: 12 }, (_, i) => addMonths(from, i));
  const countOf = (m: string, s: LadderState) =>
    (ladder.data?.counts ?? [])
      .filter((c) => c.month === m && c.state === s)
      .reduce((n, c) => n + c.count, 0);
  const flowOf = (f: LadderState, s: LadderState) =>
    (ladder.data?.flows ?? [])
      .filter((x) => x.month === flowMonth && x.from === f && x.to === s)
      .reduce((n, x) => n + x.count, 0);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          picker="month"
          allowClear={false}
          aria-label={t('coll.to')}
          value={dayjs(`${to}-01`)}
          onChange={(x) => x && setTo(x.format('YYYY-MM'))}
        />
        <CountySelect value={county} onChange={setCounty} />
      </Space>
      <ErrorAlert error={ladder.error} onRetry={ladder.reload} />
      <Card title={t('coll.ladder.title')} size="small" loading={ladder.loading}>
        <Chart
          label={t('coll.ladder.title')}
          testId="ladder-chart"
          option={{
            tooltip: { trigger: 'axis' },
            // normal dwarfs the stop states; it starts hidden and the legend shows it on demand
            legend: { selected: { [t('coll.ladder.state.normal')]: false } },
            grid: { left: 60, right: 20 },
            xAxis: { type: 'category', data: months },
            yAxis: { type: 'value' },
            series: STATES.map((s) => ({
              name: t(`coll.ladder.state.${s}`),
              type: 'bar',
              stack: 'states',
              itemStyle: { color: COLORS[s] },
              data: months.map((m) => countOf(m, s)),
            })),
          }}
        />
      </Card>
      <Card
        title={t('coll.ladder.flows')}
        size="small"
        extra={
          <Select
            aria-label={t('coll.month')}
            value={flowMonth}
            onChange={setFlowMonth}
            style={{ width: 120 }}
            options={months.map((m) => ({ value: m, label: m }))}
          />
        }
      >
        <Table
          data-testid="ladder-flows"
          size="small"
          rowKey="from"
          pagination={false}
          loading={ladder.loading}
          dataSource={FROM_STATES.map((f) => ({ from: f }))}
          columns={[
            {
              title: `${t('coll.ladder.fromState')} \\ ${t('coll.ladder.toState')}`,
              dataIndex: 'from',
              render: (f: LadderState) => t(`coll.ladder.state.${f}`),
            },
            ...STATES.map((s) => ({
              title: t(`coll.ladder.state.${s}`),
              key: s,
              align: 'right' as const,
              render: (_: unknown, r: { from: LadderState }) => {
                const n = flowOf(r.from, s);
                return r.from !== s && n > 0 ? <strong>{formatCount(n)}</strong> : formatCount(n);
              },
            })),
          ]}
        />
      </Card>
      <Card title={t('coll.ladder.durations')} size="small">
        <ErrorAlert error={durations.error} onRetry={durations.reload} />
        <Table<StateDuration>
          data-testid="ladder-durations"
          size="small"
          rowKey={(r) => `${r.county_code}:${r.state}`}
          loading={durations.loading}
          pagination={false}
          dataSource={durations.data?.durations ?? []}
          columns={[
            { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
            {
              title: t('coll.ladder.state.single_stop') + ' / ' + t('coll.ladder.state.dual_stop'),
              dataIndex: 'state',
              render: (s: LadderState) => t(`coll.ladder.state.${s}`),
            },
            { title: t('coll.ladder.ended'), dataIndex: 'ended', align: 'right', render: formatCount },
            { title: t('coll.ladder.avgDays'), dataIndex: 'avg_days', align: 'right', render: formatCount },
            { title: t('coll.ladder.current'), dataIndex: 'current', align: 'right', render: formatCount },
          ]}
        />
      </Card>
      <Card
        title={t('coll.ladder.longDual', { days: long.data?.days ?? (days || '…') })}
        size="small"
        extra={
          <Space>
            <Typography.Text type="secondary">{t('coll.ladder.threshold')}</Typography.Text>
            <InputNumber
              aria-label={t('coll.ladder.threshold')}
              min={1}
              max={3650}
              value={days ? Number(days) : (long.data?.days ?? null)}
              onChange={(v) => v && setDays(String(v))}
            />
          </Space>
        }
      >
        <ErrorAlert error={long.error} onRetry={long.reload} />
        <Table<LongDualStop>
          data-testid="ladder-long-dual"
          size="small"
          rowKey="subscriber_id"
          loading={long.loading}
          dataSource={long.data?.rows ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: t('coll.debtor.subscriber'),
              dataIndex: 'subscriber_id',
              render: (id: string) => <Link to={`/subscribers/${encodeURIComponent(id)}`}>{id}</Link>,
            },
            { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
            { title: t('coll.debtor.name'), dataIndex: 'customer_name' },
            { title: t('coll.ladder.entered'), dataIndex: 'entered' },
            { title: t('coll.ladder.days'), dataIndex: 'days', align: 'right' },
          ]}
        />
      </Card>
    </Space>
  );
}
