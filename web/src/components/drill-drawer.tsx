import { useState } from 'react';
import { Button, Drawer, Empty, Segmented, Space, Switch, Table, Typography, type TableProps } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  metricsApi,
  type Cut,
  type DrillColumn,
  type DrillSide,
  type MetricDef,
  type MetricQuery,
} from '../api/metrics-api';
import { useApi } from '../lib/use-api';
import { formatCount, formatDate, formatDateTime, formatMoney, formatRate } from '../lib/format';
import { pickLang } from '../i18n';
import { useAuth } from '../features/auth/auth-context';
import { ErrorAlert } from './error-alert';

export type DrillTarget = {
  metric: MetricDef;
  query: MetricQuery;
  row: Partial<Record<Cut, string | null>>;
  /** Shown in the title: which group was clicked. */
  caption: string;
};

/** Drill-down cells follow the column kind the server declares. */
function renderCell(kind: string | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    if (kind === 'fen' || kind === 'money') return formatMoney(value);
    if (kind === 'rate') return formatRate(value);
    return kind === 'id' || kind === 'text' ? String(value) : formatCount(value);
  }
  if (typeof value === 'string') {
    if (kind === 'date') return formatDate(value);
    if (kind === 'timestamp' || kind === 'datetime') return formatDateTime(value);
    return value;
  }
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return JSON.stringify(value);
}

const PAGE_SIZE = 20;

export function DrillDrawer({ target, onClose }: { target: DrillTarget | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const isRate = target?.metric.unit === 'rate';
  const [side, setSide] = useState<DrillSide>('numerator');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZE);
  const [sort, setSort] = useState<{ key?: string; order?: 'asc' | 'desc' }>({});
  const [reveal, setReveal] = useState(false);
  const effectiveSide: DrillSide = isRate ? side : 'value';

  const options = {
    row: target?.row ?? {},
    side: effectiveSide,
    page,
    pageSize,
    sort: sort.key,
    order: sort.order,
    reveal,
  };
  const key = JSON.stringify([target?.metric.id, target?.query, options]);
  const drill = useApi(
    () => metricsApi.drill(target!.metric.id, target!.query, options),
    key,
    target !== null,
  );

  const columns: TableProps<Record<string, unknown>>['columns'] = (drill.data?.columns ?? []).map(
    (c: DrillColumn) => ({
      key: c.key,
      dataIndex: c.key,
      title: pickLang(c.label_zh, c.label_en, i18n.language),
      sorter: true,
      sortOrder: sort.key === c.key ? (sort.order === 'asc' ? 'ascend' : 'descend') : null,
      align:
        c.kind === 'fen' || c.kind === 'money' || c.kind === 'count' || c.kind === 'rate' ? 'right' : 'left',
      render: (v: unknown) => renderCell(c.kind, v),
    }),
  );

  const close = () => {
    setPage(1);
    setSort({});
    setSide('numerator');
    setReveal(false);
    onClose();
  };

  const title = target
    ? `${pickLang(target.metric.label_zh, target.metric.label_en, i18n.language)} · ${target.caption}`
    : '';
  return (
    <Drawer
      open={target !== null}
      onClose={close}
      title={title}
      width="min(1100px, 96vw)"
      destroyOnHidden
      data-testid="drill-drawer"
    >
      {target && (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Space wrap>
            {isRate && (
              <Segmented<DrillSide>
                aria-label={t('drill.side')}
                value={side}
                onChange={(v) => {
                  setSide(v);
                  setPage(1);
                }}
                options={[
                  { value: 'numerator', label: t('drill.numerator') },
                  { value: 'denominator', label: t('drill.denominator') },
                ]}
              />
            )}
            {can('pii:reveal') && (
              <Space>
                <Switch id="drill-reveal" checked={reveal} onChange={setReveal} size="small" />
                <label htmlFor="drill-reveal">{t('drill.reveal')}</label>
              </Space>
            )}
            <Button
              icon={<DownloadOutlined />}
              href={metricsApi.drillExportUrl(target.metric.id, target.query, options, 'xlsx')}
              data-testid="drill-export-xlsx"
            >
              {t('common.exportXlsx')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              href={metricsApi.drillExportUrl(target.metric.id, target.query, options, 'csv')}
            >
              {t('common.exportCsv')}
            </Button>
            <Typography.Text type="secondary">
              {t('common.totalRows', { n: formatCount(drill.data?.total ?? 0) })}
            </Typography.Text>
          </Space>
          <ErrorAlert error={drill.error} onRetry={drill.reload} />
          <Table<Record<string, unknown>>
            data-testid="drill-table"
            size="small"
            loading={drill.loading}
            columns={columns}
            dataSource={drill.data?.rows ?? []}
            rowKey={(_, i) => String(i)}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <Empty description={t('common.noData')} /> }}
            pagination={{
              current: page,
              pageSize,
              total: drill.data?.total ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [20, 50, 100],
            }}
            onChange={(pg, _filters, sorter) => {
              const s = Array.isArray(sorter) ? sorter[0] : sorter;
              setPage(pg.current ?? 1);
              setPageSize(pg.pageSize ?? PAGE_SIZE);
              setSort(
                s?.order ? { key: String(s.columnKey), order: s.order === 'ascend' ? 'asc' : 'desc' } : {},
              );
            }}
          />
        </Space>
      )}
    </Drawer>
  );
}
