import { Button, Card, DatePicker, Form, Input, Space, Table, Typography, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { auditApi, type AuditEntry, type AuditFilter } from '../../api/audit-api';
import { useApi } from '../../lib/use-api';
import { formatDateTime } from '../../lib/format';
import { useReference } from '../../app/reference-context';
import { ErrorAlert } from '../../components/error-alert';

type FilterForm = {
  actor?: string;
  action?: string;
  entity?: string;
  range?: [dayjs.Dayjs, dayjs.Dayjs] | null;
};

const pretty = (v: unknown): string => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div style={{ flex: 1, minWidth: 240 }}>
      <Typography.Text strong>{label}</Typography.Text>
      <pre
        style={{
          background: '#fafafa',
          padding: 8,
          margin: 0,
          maxHeight: 320,
          overflow: 'auto',
          fontSize: 12,
        }}
      >
        {pretty(value)}
      </pre>
    </div>
  );
}

/** The audit trail with its filters in the URL; each row expands to its before/after. */
export function AuditTrailPage() {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<FilterForm>();
  const filter: AuditFilter = {
    actor: params.get('actor') ?? undefined,
    action: params.get('action') ?? undefined,
    entity: params.get('entity') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const entries = useApi(() => auditApi.list(filter, page, pageSize), params.toString());

  const write = (f: AuditFilter, p: number, ps: number) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) next.set(k, String(v));
    if (p > 1) next.set('page', String(p));
    if (ps !== 20) next.set('pageSize', String(ps));
    setParams(next);
  };

  const onSearch = (v: FilterForm) =>
    write(
      {
        actor: v.actor?.trim() || undefined,
        action: v.action?.trim() || undefined,
        entity: v.entity?.trim() || undefined,
        from: v.range?.[0]?.format('YYYY-MM-DD'),
        to: v.range?.[1]?.format('YYYY-MM-DD'),
      },
      1,
      pageSize,
    );

  const columns: TableProps<AuditEntry>['columns'] = [
    { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v), width: 150 },
    { title: t('audit.actor'), dataIndex: 'actor' },
    { title: t('audit.action'), dataIndex: 'action' },
    { title: t('audit.entity'), dataIndex: 'entity' },
    { title: t('audit.ip'), dataIndex: 'ip', responsive: ['lg'], render: (v: string | null) => v ?? '—' },
    { title: t('audit.entityId'), dataIndex: 'entityId', render: (v: string | null) => v ?? '—' },
    {
      title: t('cuts.county'),
      dataIndex: 'county',
      render: (c: string | null) => (c ? keyLabel('county', c) : '—'),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.auditTrail')}
      </Typography.Title>
      <Card size="small">
        <Form<FilterForm>
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          initialValues={{
            actor: filter.actor,
            action: filter.action,
            entity: filter.entity,
            range: filter.from && filter.to ? [dayjs(filter.from), dayjs(filter.to)] : null,
          }}
          onFinish={onSearch}
          data-testid="audit-filter"
        >
          <Form.Item name="actor" label={t('audit.actor')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="entity" label={t('audit.entity')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="range" label={t('audit.range')}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
        </Form>
      </Card>
      <ErrorAlert error={entries.error} onRetry={entries.reload} />
      <Table<AuditEntry>
        data-testid="audit-table"
        size="small"
        rowKey="auditId"
        loading={entries.loading}
        columns={columns}
        dataSource={entries.data?.rows ?? []}
        scroll={{ x: 'max-content' }}
        expandable={{
          expandedRowRender: (e) => (
            <Space align="start" style={{ width: '100%' }} wrap>
              <JsonBlock label={t('audit.before')} value={e.before} />
              <JsonBlock label={t('audit.after')} value={e.after} />
              <JsonBlock label={t('audit.detail')} value={e.detail} />
            </Space>
          ),
        }}
        pagination={{
          current: page,
          pageSize,
          total: entries.data?.total ?? 0,
          showSizeChanger: true,
          onChange: (p, ps) => write(filter, p, ps),
        }}
      />
    </Space>
  );
}
