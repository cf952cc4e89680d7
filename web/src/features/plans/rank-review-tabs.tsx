import { useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatDateTime } from '../../lib/format';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { Chart } from '../../components/chart';
import { useAuth } from '../auth/auth-context';
import { useReference } from '../../app/reference-context';
import { plansApi, PLAN_METRICS, type PlanMetric, type ProvinceRank, type Review } from './plans-api';

/** The city's rank in the province, entered by hand each month, with its history. */
export function RankTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [year, setYear] = useState(new Date().getFullYear());
  const ranks = useApi(() => plansApi.ranks(year), String(year));
  const [form] = Form.useForm<{ month: number; rank: number; of_total?: number; note?: string }>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await plansApi.setRank({
        year,
        metric: 'overall',
        month: v.month,
        rank: v.rank,
        of_total: v.of_total ?? null,
        note: v.note ?? null,
      });
      ranks.reload();
    } catch (e) {
      void message.error(errorMessage(e, i18n.language, t('common.requestFailed')));
    }
  };
  const rows = ranks.data ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <InputNumber aria-label={t('plans.year')} value={year} onChange={(v) => v && setYear(v)} />
      {can('plans:write') && (
        <Form form={form} layout="inline" initialValues={{ month: new Date().getMonth() + 1 }}>
          <Form.Item name="month" label={t('plans.rankMonth')} rules={[{ required: true }]}>
            <InputNumber min={1} max={12} />
          </Form.Item>
          <Form.Item name="rank" label={t('plans.rankValue')} rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="of_total" label={t('plans.rankOf')}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="note" label={t('plans.note')}>
            <Input />
          </Form.Item>
          <Button type="primary" onClick={() => void submit()}>
            {t('plans.enter')}
          </Button>
        </Form>
      )}
      <ErrorAlert error={ranks.error} onRetry={ranks.reload} />
      {rows.length > 0 && (
        <Chart
          label={t('plans.tabs.rank')}
          height={220}
          option={{
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: rows.map((r) => `${r.month}`) },
            yAxis: { type: 'value', inverse: true, minInterval: 1 },
            series: [{ type: 'line', name: t('plans.rankValue'), data: rows.map((r) => r.rank) }],
          }}
        />
      )}
      <Table<ProvinceRank>
        size="small"
        rowKey={(r) => `${r.month}-${r.metric}`}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('plans.rankMonth'), dataIndex: 'month' },
          {
            title: t('plans.rankValue'),
            render: (_, r) => (r.of_total ? `${r.rank} / ${r.of_total}` : r.rank),
          },
          { title: t('plans.note'), dataIndex: 'note' },
          {
            title: t('plans.col.createdBy'),
            render: (_, r) => `${r.entered_by} ${formatDateTime(r.entered_at)}`,
          },
        ]}
      />
    </Space>
  );
}

type ReviewForm = {
  county: string;
  metric: PlanMetric;
  reason_category: string;
  reason_text: string;
  action: string;
  owner: string;
  due: dayjs.Dayjs;
};

/** Monthly review (月度分析): shortfall reasons and actions per county, follow-up of earlier actions, export. */
export function ReviewTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const q = { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
  const reviews = useApi(() => plansApi.reviews(q), month);
  const cats = useApi(() => plansApi.categories(), 'cats');
  const { reference, keyLabel } = useReference();
  const [form] = Form.useForm<ReviewForm>();
  const catLabel = (id: string) => {
    const c = cats.data?.find((x) => x.id === id);
    return c ? (i18n.language.startsWith('en') ? c.label_en : c.label_zh) : id;
  };
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await plansApi.addReview({
        ...q,
        county: v.county,
        metric: v.metric,
        reason_category: v.reason_category,
        reason_text: v.reason_text ?? '',
        actions: v.action ? [{ action: v.action, owner: v.owner, due_date: v.due.format('YYYY-MM-DD') }] : [],
      });
      form.resetFields();
      reviews.reload();
    } catch (e) {
      void message.error(errorMessage(e, i18n.language, t('common.requestFailed')));
    }
  };
  const setStatus = async (id: number, status: string) => {
    await plansApi.updateAction(id, { status });
    reviews.reload();
  };
  const exportQs = `year=${q.year}&month=${q.month}`;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Space>
        <DatePicker
          picker="month"
          allowClear={false}
          value={dayjs(`${month}-01`)}
          onChange={(d) => d && setMonth(d.format('YYYY-MM'))}
          aria-label={t('plans.reviewMonth')}
        />
        <Button href={`/api/plans/reviews/export?${exportQs}&format=xlsx`}>{t('plans.exportXlsx')}</Button>
        <Button href={`/api/plans/reviews/export?${exportQs}&format=html`} target="_blank">
          {t('plans.printable')}
        </Button>
      </Space>
      <ErrorAlert error={reviews.error} onRetry={reviews.reload} />
      {can('plans:write') && (
        <Card size="small" title={t('plans.addReview')}>
          <Form form={form} layout="inline" initialValues={{ metric: 'new_installs' }}>
            <Form.Item name="county" label={t('plans.col.county')} rules={[{ required: true }]}>
              <Select
                style={{ width: 150 }}
                options={(reference?.counties ?? []).map((c) => ({
                  value: c.code,
                  label: keyLabel('county', c.code),
                }))}
              />
            </Form.Item>
            <Form.Item name="metric" label={t('plans.col.metric')}>
              <Select
                style={{ width: 130 }}
                options={PLAN_METRICS.map((m) => ({ value: m, label: t(`plans.metric.${m}`) }))}
              />
            </Form.Item>
            <Form.Item name="reason_category" label={t('plans.reason')} rules={[{ required: true }]}>
              <Select
                style={{ width: 160 }}
                options={(cats.data ?? []).map((c) => ({ value: c.id, label: catLabel(c.id) }))}
              />
            </Form.Item>
            <Form.Item name="reason_text" label={t('plans.reasonText')}>
              <Input />
            </Form.Item>
            <Form.Item name="action" label={t('plans.action')}>
              <Input />
            </Form.Item>
            <Form.Item name="owner" label={t('plans.owner')}>
              <Input style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="due" label={t('plans.due')}>
              <DatePicker />
            </Form.Item>
            <Button type="primary" onClick={() => void submit()}>
              {t('plans.enter')}
            </Button>
          </Form>
        </Card>
      )}
      <Table<Review>
        size="small"
        rowKey="review_id"
        pagination={false}
        dataSource={reviews.data?.items ?? []}
        columns={[
          {
            title: t('plans.col.county'),
            dataIndex: 'county_code',
            render: (c: string) => keyLabel('county', c),
          },
          { title: t('plans.col.metric'), render: (_, r) => t(`plans.metric.${r.metric}`) },
          { title: t('plans.reason'), render: (_, r) => catLabel(r.reason_category) },
          { title: t('plans.reasonText'), dataIndex: 'reason_text' },
          {
            title: t('plans.action'),
            render: (_, r) =>
              r.actions.map((a) => (
                <div key={a.action_id}>
                  {a.action} · {a.owner} · {a.due_date} <Tag>{t(`plans.actionStatus.${a.status}`)}</Tag>
                </div>
              )),
          },
        ]}
      />
      <Card size="small" title={t('plans.followUp')}>
        <Table
          size="small"
          rowKey="action_id"
          pagination={false}
          dataSource={reviews.data?.follow_up ?? []}
          columns={[
            {
              title: t('plans.col.county'),
              dataIndex: 'county_code',
              render: (c: string) => keyLabel('county', c),
            },
            { title: t('plans.rankMonth'), dataIndex: 'review_month' },
            { title: t('plans.action'), dataIndex: 'action' },
            { title: t('plans.owner'), dataIndex: 'owner' },
            { title: t('plans.due'), dataIndex: 'due_date' },
            {
              title: t('plans.col.light'),
              render: (_, a) =>
                can('plans:write') ? (
                  <Select
                    size="small"
                    value={a.status}
                    style={{ width: 110 }}
                    onChange={(s) => void setStatus(a.action_id, s)}
                    options={(['open', 'done', 'dropped'] as const).map((s) => ({
                      value: s,
                      label: t(`plans.actionStatus.${s}`),
                    }))}
                  />
                ) : (
                  t(`plans.actionStatus.${a.status}`)
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
