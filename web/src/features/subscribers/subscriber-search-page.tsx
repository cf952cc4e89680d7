import { Card, Empty, Input, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { subscribersApi, type SubscriberSummary } from '../../api/subscribers-api';
import { useApi } from '../../lib/use-api';
import { formatCount } from '../../lib/format';
import { useReference } from '../../app/reference-context';
import { ErrorAlert } from '../../components/error-alert';

export function SubscriberSearchPage() {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const result = useApi(
    () => subscribersApi.search(q, page, pageSize),
    JSON.stringify([q, page, pageSize]),
    q.trim() !== '',
  );

  const go = (next: { q?: string; page?: number; pageSize?: number }) => {
    const p = new URLSearchParams();
    const nq = next.q ?? q;
    if (nq) p.set('q', nq);
    if ((next.page ?? page) > 1) p.set('page', String(next.page ?? page));
    if ((next.pageSize ?? pageSize) !== 20) p.set('pageSize', String(next.pageSize ?? pageSize));
    setParams(p);
  };

  const columns: TableProps<SubscriberSummary>['columns'] = [
    {
      title: t('subscriber.id'),
      dataIndex: 'subscriber_id',
      render: (id: string) => <Link to={`/subscribers/${encodeURIComponent(id)}`}>{id}</Link>,
    },
    { title: t('subscriber.account'), dataIndex: 'account_id' },
    { title: t('subscriber.name'), dataIndex: 'customer_name' },
    { title: t('subscriber.phone'), dataIndex: 'phone' },
    { title: t('cuts.county'), dataIndex: 'county', render: (c: string | null) => keyLabel('county', c) },
    { title: t('cuts.product'), dataIndex: 'product', render: (c: string | null) => keyLabel('product', c) },
    {
      title: t('subscriber.status'),
      dataIndex: 'status',
      render: (s: string) => <Tag>{t(`subscriberStatus.${s}`, { defaultValue: s })}</Tag>,
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.subscribers')}
      </Typography.Title>
      <Card size="small">
        <label htmlFor="subscriber-search" className="sr-only">
          {t('subscriber.searchLabel')}
        </label>
        <Input.Search
          id="subscriber-search"
          data-testid="subscriber-search"
          defaultValue={q}
          key={q}
          placeholder={t('subscriber.searchPlaceholder')}
          enterButton={t('common.search')}
          allowClear
          style={{ maxWidth: 560 }}
          onSearch={(v) => go({ q: v.trim(), page: 1 })}
        />
      </Card>
      <ErrorAlert error={result.error} onRetry={result.reload} />
      {q ? (
        <Table<SubscriberSummary>
          data-testid="subscriber-results"
          size="small"
          rowKey="subscriber_id"
          loading={result.loading}
          columns={columns}
          dataSource={result.data?.rows ?? []}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('subscriber.noMatch')} /> }}
          pagination={{
            current: page,
            pageSize,
            total: result.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => t('common.totalRows', { n: formatCount(n) }),
            onChange: (p, ps) => go({ page: p, pageSize: ps }),
          }}
        />
      ) : (
        <Empty description={t('subscriber.searchHint')} />
      )}
    </Space>
  );
}
