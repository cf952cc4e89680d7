import { Card, Table, Tag, Tooltip, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { importsApi, type Freshness } from '../../api/imports-api';
import { useApi } from '../../lib/use-api';
import { formatCount, formatDate, formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';

const SHOWN_MISSING = 6;

/** The last date (or month) loaded per dataset; gaps in daily data are shown in red. */
export function FreshnessTable({ version }: { version: number }) {
  const { t } = useTranslation();
  const fresh = useApi(() => importsApi.freshness(), `freshness-${version}`);

  const columns: TableProps<Freshness>['columns'] = [
    {
      title: t('imports.dataset'),
      dataIndex: 'dataset',
      render: (d: string) => `${t(`datasets.${d}`, { defaultValue: d })} (${d})`,
    },
    {
      title: t('imports.lastLoaded'),
      key: 'last',
      render: (_, f) => (f.last_date ? formatDate(f.last_date) : (f.last_month ?? '—')),
    },
    { title: t('imports.rows'), dataIndex: 'rows', align: 'right', render: (n: number) => formatCount(n) },
    {
      title: t('imports.lastImportAt'),
      dataIndex: 'last_import_at',
      render: (v: string | null) => formatDateTime(v),
    },
    {
      title: t('imports.missingDays'),
      key: 'missing',
      render: (_, f) =>
        f.missing_days.length === 0 ? (
          <Tag color="green">{t('imports.noGaps')}</Tag>
        ) : (
          <Tooltip title={f.missing_days.join(', ')}>
            <span className="missing-day" data-testid={`missing-${f.dataset}`}>
              {t('imports.missingCount', { n: f.missing_days.length })}:{' '}
              {f.missing_days.slice(0, SHOWN_MISSING).join(', ')}
              {f.missing_days.length > SHOWN_MISSING ? ' …' : ''}
            </span>
          </Tooltip>
        ),
    },
  ];

  return (
    <Card size="small" title={t('imports.freshness')}>
      <ErrorAlert error={fresh.error} onRetry={fresh.reload} />
      <Table<Freshness>
        data-testid="freshness-table"
        size="small"
        rowKey="dataset"
        loading={fresh.loading}
        columns={columns}
        dataSource={fresh.data?.datasets ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        rowClassName={(f) => (f.missing_days.length > 0 ? 'row-missing' : '')}
      />
    </Card>
  );
}
