import { Card, Table, Tag, Tooltip, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { importsApi, type Freshness } from '../../api/imports-api';
import { useApi } from '../../lib/use-api';
import { DASH, formatCount, formatDate, formatDateTime } from '../../lib/format';
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
      render: (d: string, f) => `${t(`datasets.${d}`, { defaultValue: f.zh })} (${d})`,
    },
    {
      title: t('imports.lastLoaded'),
      key: 'last',
      render: (_, f) => (f.lastLoaded ? formatDate(f.lastLoaded) : DASH),
    },
    { title: t('imports.rows'), dataIndex: 'rows', align: 'right', render: (n: number) => formatCount(n) },
    {
      title: t('imports.lastImportAt'),
      dataIndex: 'lastBatchAt',
      render: (v: string | null) => formatDateTime(v),
    },
    {
      title: t('imports.missingDays'),
      key: 'missing',
      render: (_, f) =>
        f.missingDays === null ? (
          DASH
        ) : f.missingDays.length === 0 ? (
          <Tag color="green">{t('imports.noGaps')}</Tag>
        ) : (
          <Tooltip title={f.missingDays.join(', ')}>
            <span className="missing-day" data-testid={`missing-${f.dataset}`}>
              {t('imports.missingCount', { n: f.missingDays.length })}:{' '}
              {f.missingDays.slice(0, SHOWN_MISSING).join(', ')}
              {f.missingDays.length > SHOWN_MISSING ? ' …' : ''}
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
        rowClassName={(f) => ((f.missingDays?.length ?? 0) > 0 ? 'row-missing' : '')}
      />
    </Card>
  );
}
