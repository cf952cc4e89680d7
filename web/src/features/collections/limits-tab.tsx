import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { addMonths, formatMoney } from '../../lib/format';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { useAuth } from '../auth/auth-context';
import { collectionsApi, type AdjustmentRow, type LimitCell, type LimitLevel } from './collections-api';
import { CountySelect, rateText, useCountyLabel, useCountyParam, useParam } from './collections-common';
import { useDefaultBillMonth } from './use-default-month';

const LEVEL_COLOR: Record<LimitLevel, string | undefined> = {
  none: undefined,
  ok: 'green',
  warning: 'orange',
  over: 'red',
};

type MatrixRow = { county: string | null; cells: Map<string, LimitCell> };

/** Adjustment totals against the monthly limits (80% / 100% alerts), limit editing, the adjustments. */
export function LimitsTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const last = useDefaultBillMonth();
  const [to, setTo] = useParam('to', last);
  const from = addMonths(to, -11);
  const [adjMonth, setAdjMonth] = useParam('adj', to);
  const { county, setCounty } = useCountyParam();
  const label = useCountyLabel();
  const [editing, setEditing] = useState(false);
  const q = { from, to, county };
  const limits = useApi(() => collectionsApi.limits(q), `lim${JSON.stringify(q)}`);
  const aq = { month: adjMonth, county };
  const adjustments = useApi(() => collectionsApi.adjustments(aq), `adj${JSON.stringify(aq)}`);
  const d = limits.data;
  const byCounty = new Map<string, MatrixRow>();
  for (const c of d?.cells ?? []) {
    const key = c.county_code ?? '';
    const row = byCounty.get(key) ?? { county: c.county_code, cells: new Map() };
    row.cells.set(c.month, c);
    byCounty.set(key, row);
  }
  // counties first, the city row last
  const rows = [...byCounty.values()].sort((a, b) =>
    a.county === null ? 1 : b.county === null ? -1 : a.county.localeCompare(b.county),
  );

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
        {can('collections:write') && (
          <Button data-testid="limits-edit" onClick={() => setEditing(true)}>
            {t('coll.limits.edit')}
          </Button>
        )}
        <Typography.Text type="secondary">{t('coll.limits.overHint')}</Typography.Text>
      </Space>
      <ErrorAlert error={limits.error} onRetry={limits.reload} />
      {d && d.alerts.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="limits-alerts"
          message={t('coll.limits.alerts')}
          description={
            <Space wrap>
              {d.alerts.map((c) => (
                <Tag key={`${c.month}:${c.county_code ?? ''}`} color={LEVEL_COLOR[c.level]}>
                  {c.month} {label(c.county_code)} {rateText(c.usage)} · {t(`coll.limits.level.${c.level}`)}
                </Tag>
              ))}
            </Space>
          }
        />
      )}
      <Card title={t('coll.limits.title')} size="small">
        <Table<MatrixRow>
          data-testid="limits-table"
          size="small"
          rowKey={(r) => r.county ?? 'city'}
          loading={limits.loading}
          pagination={false}
          scroll={{ x: true }}
          dataSource={rows}
          columns={[
            {
              title: t('coll.county'),
              key: 'county',
              fixed: 'left',
              render: (_, r) => (r.county ? label(r.county) : <strong>{t('coll.city')}</strong>),
            },
            ...(d?.months ?? []).map((m) => ({
              title: m,
              key: m,
              align: 'right' as const,
              onCell: (r: MatrixRow) => {
                const c = r.cells.get(m);
                return {
                  'data-level': c?.level ?? 'none',
                  style:
                    c?.level === 'over'
                      ? { background: '#fff1f0', color: '#cf1322' }
                      : c?.level === 'warning'
                        ? { background: '#fff7e6' }
                        : undefined,
                } as React.TdHTMLAttributes<HTMLTableCellElement>;
              },
              render: (_: unknown, r: MatrixRow) => {
                const c = r.cells.get(m);
                if (!c) return '—';
                return (
                  <span title={t(`coll.limits.level.${c.level}`)}>
                    {formatMoney(c.total)}
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {c.limit === null ? '—' : `${formatMoney(c.limit)} · ${rateText(c.usage)}`}
                    </Typography.Text>
                  </span>
                );
              },
            })),
          ]}
        />
      </Card>
      <Card
        title={t('coll.limits.adjustments')}
        size="small"
        extra={
          <DatePicker
            picker="month"
            allowClear={false}
            aria-label={t('coll.limits.adjMonth')}
            value={dayjs(`${adjMonth}-01`)}
            onChange={(x) => x && setAdjMonth(x.format('YYYY-MM'))}
          />
        }
      >
        <ErrorAlert error={adjustments.error} onRetry={adjustments.reload} />
        <Table<AdjustmentRow>
          data-testid="adjustments-table"
          size="small"
          rowKey="adjustment_id"
          loading={adjustments.loading}
          dataSource={adjustments.data?.rows ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('coll.limits.day'), dataIndex: 'adjusted_day' },
            { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
            { title: t('coll.debtor.subscriber'), dataIndex: 'subscriber_id' },
            { title: t('coll.debtor.name'), dataIndex: 'customer_name' },
            {
              title: t('coll.limits.billMonth'),
              dataIndex: 'bill_month',
              render: (m: string) => m.slice(0, 7),
            },
            { title: t('coll.limits.amount'), dataIndex: 'amount', align: 'right', render: formatMoney },
            { title: t('coll.limits.reason'), dataIndex: 'reason' },
            { title: t('coll.limits.approver'), dataIndex: 'approver_id' },
          ]}
        />
      </Card>
      {editing && (
        <LimitModal
          defaultMonth={addMonths(to, 1)}
          county={county}
          onClose={(saved) => {
            setEditing(false);
            if (saved) limits.reload();
          }}
        />
      )}
    </Space>
  );
}

type LimitForm = { months: string[]; county: string | undefined; amount: number };

function LimitModal({
  defaultMonth,
  county,
  onClose,
}: {
  defaultMonth: string;
  county: string | undefined;
  onClose: (saved: boolean) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<LimitForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const year = defaultMonth.slice(0, 4);
  const monthOptions = [-1, 0, 1].flatMap((dy) =>
    Array.from({ length: 12 }, (_, i) => `${Number(year) + dy}-${String(i + 1).padStart(2, '0')}`),
  );
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await collectionsApi.setLimits({
        months: [...v.months].sort(),
        county: v.county ?? null,
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
      title={t('coll.limits.edit')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
    >
      {error && (
        <Typography.Text type="danger" data-testid="limits-error">
          {error}
        </Typography.Text>
      )}
      <Form form={form} layout="vertical" initialValues={{ months: [defaultMonth], county }}>
        <Form.Item name="months" label={t('coll.limits.months')} rules={[{ required: true }]}>
          <Select mode="multiple" options={monthOptions.map((m) => ({ value: m, label: m }))} />
        </Form.Item>
        <Form.Item name="county" label={t('coll.county')}>
          <CountySelect value={undefined} onChange={() => undefined} testId="limits-county" />
        </Form.Item>
        <Form.Item name="amount" label={t('coll.limits.amountYuan')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} data-testid="limits-amount" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
