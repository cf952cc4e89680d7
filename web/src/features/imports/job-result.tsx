import {
  Alert,
  Button,
  Card,
  Descriptions,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { importsApi, type ImportJob, type ImportResultStatus, type RowError } from '../../api/imports-api';
import { formatCount } from '../../lib/format';
import { pickLang } from '../../i18n';

const STATUS_COLOR: Record<ImportResultStatus, string> = {
  imported: 'green',
  partial: 'orange',
  rejected: 'red',
  already_imported: 'blue',
};

/** One uploaded file: progress while it runs, then counts, unknown columns and the row errors. */
export function JobResult({ job }: { job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const result = job.result;
  const running = job.status === 'queued' || job.status === 'running';
  const failed = job.status === 'failed';

  const errorColumns: TableProps<RowError>['columns'] = [
    { title: t('imports.row'), dataIndex: 'row', width: 80, align: 'right' },
    { title: t('imports.column'), dataIndex: 'column', width: 160 },
    { title: t('imports.value'), dataIndex: 'value', width: 180, render: (v: string | null) => v ?? '—' },
    { title: t('imports.reason'), render: (_, e) => pickLang(e.message_zh, e.message_en, i18n.language) },
  ];

  return (
    <Card
      size="small"
      data-testid="import-result"
      data-status={result?.status ?? job.status}
      title={
        <Space wrap>
          <Typography.Text strong>{job.file}</Typography.Text>
          {(result?.dataset ?? job.dataset) && <Tag>{result?.dataset ?? job.dataset}</Tag>}
          {result ? (
            <Tag color={STATUS_COLOR[result.status]} data-testid="import-status">
              {t(`imports.status.${result.status}`)}
            </Tag>
          ) : (
            <Tag color={failed ? 'red' : 'processing'}>{t(`imports.job.${job.status}`)}</Tag>
          )}
        </Space>
      }
    >
      {running && (
        <div data-testid="import-progress">
          <Progress percent={Math.round(job.percent)} status="active" />
          <Typography.Text type="secondary">
            {t('imports.progress', {
              rows: formatCount(job.rows),
              rate: formatCount(Math.round(job.rowsPerSec)),
            })}
          </Typography.Text>
        </div>
      )}
      {failed && !result && (
        <Alert
          type="error"
          showIcon
          message={
            pickLang(job.error?.message_zh, job.error?.message_en, i18n.language) ||
            job.error?.message ||
            t('imports.jobFailed')
          }
        />
      )}
      {result && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {result.status === 'rejected' && (
            <Alert type="error" showIcon message={t('imports.rejectedHint')} />
          )}
          {result.status === 'already_imported' && (
            <Alert type="info" showIcon message={t('imports.alreadyImportedHint')} />
          )}
          <Descriptions
            size="small"
            column={{ xs: 2, sm: 3, md: 5 }}
            data-testid="import-counts"
            items={(['read', 'inserted', 'updated', 'unchanged', 'rejected'] as const).map((k) => ({
              key: k,
              label: t(`imports.counts.${k}`),
              children: <span data-testid={`import-count-${k}`}>{formatCount(result.counts[k])}</span>,
            }))}
          />
          {job.rowsPerSec > 0 && (
            <Typography.Text type="secondary">
              {t('imports.speed', { rate: formatCount(Math.round(job.rowsPerSec)) })}
            </Typography.Text>
          )}
          {result.unknown_columns.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={t('imports.unknownColumns', { columns: result.unknown_columns.join(', ') })}
            />
          )}
          {result.errors.length > 0 && (
            <>
              <Space wrap>
                <Typography.Text strong>
                  {t('imports.rowErrors', { n: formatCount(result.errors.length) })}
                </Typography.Text>
                {result.batch_id !== null && (
                  <>
                    <Button
                      size="small"
                      icon={<DownloadOutlined />}
                      href={importsApi.rejectsUrl(result.batch_id, 'xlsx')}
                      data-testid="download-rejects"
                    >
                      {t('imports.downloadRejects')} (.xlsx)
                    </Button>
                    <Button
                      size="small"
                      icon={<DownloadOutlined />}
                      href={importsApi.rejectsUrl(result.batch_id, 'csv')}
                    >
                      {t('imports.downloadRejects')} (.csv)
                    </Button>
                  </>
                )}
              </Space>
              <Table<RowError>
                data-testid="import-errors"
                size="small"
                columns={errorColumns}
                dataSource={result.errors}
                rowKey={(_, i) => String(i)}
                scroll={{ x: 'max-content' }}
                pagination={result.errors.length > 10 ? { pageSize: 10, size: 'small' } : false}
              />
            </>
          )}
        </Space>
      )}
    </Card>
  );
}
