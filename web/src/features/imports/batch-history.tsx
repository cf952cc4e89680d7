import { useState } from 'react';
import { App, Button, Card, Popconfirm, Space, Table, Tag, type TableProps } from 'antd';
import { DownloadOutlined, UndoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { importsApi, type Batch } from '../../api/imports-api';
import { errorMessage } from '../../api/http';
import { useApi } from '../../lib/use-api';
import { formatCount, formatDateTime, formatDuration } from '../../lib/format';
import { useAuth } from '../auth/auth-context';
import { ErrorAlert } from '../../components/error-alert';

const STATUS_COLOR: Record<string, string> = {
  imported: 'green',
  partial: 'orange',
  rejected: 'red',
  undone: 'default',
};

/** Who imported what and when, with the counts; a batch can be undone after confirmation. */
export function BatchHistory({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can, session } = useAuth();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const batches = useApi(() => importsApi.batches(page, pageSize), JSON.stringify([page, pageSize, version]));

  const undo = async (id: number) => {
    try {
      await importsApi.undo(id);
      void message.success(t('imports.undone', { id }));
      onChanged();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    }
  };

  const actionsColumn: NonNullable<TableProps<Batch>['columns']>[number] = {
    title: t('common.actions'),
    key: 'actions',
    fixed: 'right',
    render: (_, b) => (
      <Space size="small">
        {b.counts.rejected > 0 && (b.actor === session?.user.username || can('pii:reveal')) && (
          <Button
            size="small"
            icon={<DownloadOutlined />}
            href={importsApi.rejectsUrl(b.batch_id, 'xlsx')}
            aria-label={t('imports.downloadRejects')}
          >
            {t('imports.rejectsShort')}
          </Button>
        )}
        {can('import:undo') && (b.status === 'imported' || b.status === 'partial') && (
          <Popconfirm
            title={t('imports.undoConfirm', { id: b.batch_id, file: b.file_name })}
            okText={t('imports.undo')}
            cancelText={t('common.cancel')}
            onConfirm={() => undo(b.batch_id)}
          >
            <Button size="small" danger icon={<UndoOutlined />} data-testid={`undo-${b.batch_id}`}>
              {t('imports.undo')}
            </Button>
          </Popconfirm>
        )}
      </Space>
    ),
  };

  const columns: TableProps<Batch>['columns'] = [
    { title: t('imports.batch'), dataIndex: 'batch_id', width: 80, align: 'right' },
    { title: t('imports.startedAt'), dataIndex: 'started_at', render: (v: string) => formatDateTime(v) },
    { title: t('imports.actor'), dataIndex: 'actor' },
    { title: t('imports.file'), dataIndex: 'file_name', ellipsis: true },
    {
      title: t('imports.dataset'),
      dataIndex: 'dataset',
      render: (d: string) => t(`datasets.${d}`, { defaultValue: d }),
    },
    {
      title: t('imports.statusLabel'),
      dataIndex: 'status',
      render: (s: string) => (
        <Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`imports.status.${s}`, { defaultValue: s })}</Tag>
      ),
    },
    ...(['read', 'inserted', 'updated', 'unchanged', 'rejected'] as const).map((k) => ({
      title: t(`imports.counts.${k}`),
      key: k,
      align: 'right' as const,
      render: (_: unknown, b: Batch) => formatCount(b.counts[k]),
    })),
    {
      title: t('imports.duration'),
      dataIndex: 'duration_ms',
      align: 'right',
      render: (v: number | null) => formatDuration(v),
    },
    // read-only roles get neither button, so no empty column
    ...(can('import:undo') || can('pii:reveal') || can('import:run') ? [actionsColumn] : []),
  ];

  return (
    <Card size="small" title={t('imports.history')}>
      <ErrorAlert error={batches.error} onRetry={batches.reload} />
      <Table<Batch>
        data-testid="batch-history"
        size="small"
        rowKey="batch_id"
        loading={batches.loading}
        columns={columns}
        dataSource={batches.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: batches.data?.total ?? 0,
          showSizeChanger: true,
          onChange: (p, ps) => {
            setPage(p);
            setPageSize(ps);
          },
        }}
      />
    </Card>
  );
}
