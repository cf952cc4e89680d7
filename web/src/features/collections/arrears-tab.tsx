import { useState } from 'react';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  InputNumber,
  Modal,
  Progress,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatMoney, formatMoneyShort } from '../../lib/format';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { useAuth } from '../auth/auth-context';
import { collectionsApi, type ArrearsOverview, type CleanupProgress } from './collections-api';
import {
  CountySelect,
  rateText,
  todayIso,
  useCountyLabel,
  useCountyParam,
  useParam,
} from './collections-common';
import { DebtorTable } from './rates-tab';
import { useDataDate } from './use-default-month';

const BUCKETS = ['1-3', '4-6', '7-12', '13-24', '>24'];
type CountyArrears = ArrearsOverview['counties'][number];

/** Long-term arrears and ageing per county, the 12-month trend, the largest debtors, cleanup progress. */
export function ArrearsTab() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [at, setAt] = useParam('at', useDataDate(todayIso()));
  const { county, setCounty } = useCountyParam();
  const label = useCountyLabel();
  const [editing, setEditing] = useState(false);
  const q = { at, county };
  const arrears = useApi(() => collectionsApi.arrears(q), `ar${JSON.stringify(q)}`);
  const a = arrears.data;
  const months = [...new Set((a?.trend ?? []).map((x) => x.month))];
  const trendCounties = [...new Set((a?.trend ?? []).map((x) => x.county_code))];

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          allowClear={false}
          aria-label={t('coll.at')}
          value={dayjs(at)}
          onChange={(d) => d && setAt(d.format('YYYY-MM-DD'))}
        />
        <CountySelect value={county} onChange={setCounty} />
      </Space>
      <ErrorAlert error={arrears.error} onRetry={arrears.reload} />
      <Table<CountyArrears>
        data-testid="arrears-table"
        rowKey="county_code"
        size="small"
        loading={arrears.loading}
        pagination={false}
        dataSource={a?.counties ?? []}
        scroll={{ x: true }}
        columns={[
          { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
          { title: t('coll.arrears.longTerm'), dataIndex: 'long_term', align: 'right', render: formatMoney },
          {
            title: t('coll.arrears.newLongTerm'),
            dataIndex: 'new_long_term',
            align: 'right',
            render: formatMoney,
          },
          {
            title: t('coll.arrears.buckets'),
            children: BUCKETS.map((b) => ({
              title: b,
              key: b,
              align: 'right' as const,
              render: (_: unknown, r: CountyArrears) => formatMoney(r.buckets[b] ?? 0),
            })),
          },
        ]}
      />
      <Card title={t('coll.arrears.trend')} size="small">
        {a && (
          <Chart
            label={t('coll.arrears.trend')}
            testId="arrears-trend"
            option={{
              tooltip: {
                trigger: 'axis',
                valueFormatter: (v) => formatMoney(typeof v === 'number' ? v : null),
              },
              legend: { type: 'scroll' },
              grid: { left: 70, right: 20 },
              xAxis: { type: 'category', data: months },
              yAxis: {
                type: 'value',
                axisLabel: { formatter: (v: number) => formatMoneyShort(v, i18n.language) },
              },
              series: trendCounties.map((c) => ({
                name: label(c),
                type: 'bar',
                stack: 'lt',
                data: months.map(
                  (m) => a.trend.find((x) => x.month === m && x.county_code === c)?.long_term ?? 0,
                ),
              })),
            }}
          />
        )}
      </Card>
      <Card
        title={t('coll.arrears.cleanup')}
        size="small"
        extra={
          can('collections:write') && (
            <Button size="small" data-testid="cleanup-set" onClick={() => setEditing(true)}>
              {t('coll.arrears.setTarget')}
            </Button>
          )
        }
      >
        <Table<CleanupProgress>
          data-testid="cleanup-table"
          size="small"
          rowKey={(r) => `${r.year}:${r.county_code ?? ''}`}
          pagination={false}
          dataSource={a?.cleanup ?? []}
          locale={{ emptyText: t('coll.arrears.noTarget') }}
          columns={[
            { title: t('coll.arrears.year'), dataIndex: 'year' },
            { title: t('coll.county'), dataIndex: 'county_code', render: (c: string | null) => label(c) },
            { title: t('coll.arrears.baselineDate'), dataIndex: 'baseline_date' },
            { title: t('coll.arrears.baseline'), dataIndex: 'baseline', align: 'right', render: formatMoney },
            { title: t('coll.arrears.current'), dataIndex: 'current', align: 'right', render: formatMoney },
            { title: t('coll.arrears.cleared'), dataIndex: 'cleared', align: 'right', render: formatMoney },
            { title: t('coll.arrears.target'), dataIndex: 'target', align: 'right', render: formatMoney },
            {
              title: t('coll.arrears.progress'),
              key: 'p',
              width: 200,
              render: (_, r) => (
                <Space>
                  <Progress
                    percent={Math.max(0, Math.min(100, (r.progress.value ?? 0) * 100))}
                    showInfo={false}
                    size="small"
                    style={{ width: 100 }}
                  />
                  {rateText(r.progress)}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('coll.arrears.debtors')} size="small">
        <DebtorTable rows={a?.debtors ?? []} loading={arrears.loading} testId="debtors-table" />
      </Card>
      {editing && (
        <CleanupTargetModal
          at={at}
          county={county}
          onClose={(saved) => {
            setEditing(false);
            if (saved) arrears.reload();
          }}
        />
      )}
    </Space>
  );
}

type TargetForm = { year: number; county: string | undefined; baseline_date: dayjs.Dayjs; amount: number };

function CleanupTargetModal({
  at,
  county,
  onClose,
}: {
  at: string;
  county: string | undefined;
  onClose: (saved: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TargetForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const year = Number(at.slice(0, 4));
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await collectionsApi.setArrearsTarget({
        year: v.year,
        county: v.county ?? null,
        baseline_date: v.baseline_date.format('YYYY-MM-DD'),
        amount: Math.round(v.amount * 100),
      });
      void message.success(t('common.saved'));
      onClose(true);
    } catch (err) {
      setError(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('coll.arrears.setTarget')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
    >
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ year, county, baseline_date: dayjs(`${year - 1}-12-31`), amount: undefined }}
      >
        <Form.Item name="year" label={t('coll.arrears.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="county" label={t('coll.county')}>
          <CountySelect value={undefined} onChange={() => undefined} testId="cleanup-county" />
        </Form.Item>
        <Form.Item name="baseline_date" label={t('coll.arrears.baselineDate')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="amount" label={t('coll.arrears.amountYuan')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
