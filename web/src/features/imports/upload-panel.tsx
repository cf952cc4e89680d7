import { useEffect, useRef, useState } from 'react';
import { App, Button, Card, Checkbox, Select, Space, Typography, Upload, type UploadFile } from 'antd';
import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DATASETS, importsApi, type ImportJob } from '../../api/imports-api';
import { errorMessage } from '../../api/http';
import { JobResult } from './job-result';

const POLL_MS = 500;

/** Pick files, start the import, then poll every job until it is done or failed. */
export function UploadPanel({ onFinished }: { onFinished: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [dataset, setDataset] = useState<string | null>(null);
  const [allowPartial, setAllowPartial] = useState(false);
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | null>(null);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const poll = (ids: string[]) => {
    const tick = async () => {
      const next = await Promise.all(
        ids.map((id) =>
          importsApi.job(id).catch((err: unknown): ImportJob => ({
            jobId: id,
            status: 'failed',
            file: id,
            dataset: null,
            rows: 0,
            rowsPerSec: 0,
            percent: 0,
            error: { message: errorMessage(err, i18n.language, t('common.requestFailed')) },
          })),
        ),
      );
      setJobs(next);
      if (next.some((j) => j.status === 'queued' || j.status === 'running')) {
        timer.current = window.setTimeout(() => void tick(), POLL_MS);
      } else {
        setBusy(false);
        onFinished();
      }
    };
    void tick();
  };

  const start = async () => {
    const picked = files
      .map((f) => f.originFileObj)
      .filter((f): f is NonNullable<typeof f> => f !== undefined);
    if (picked.length === 0) return;
    setBusy(true);
    try {
      const answer = await importsApi.upload(picked, dataset, allowPartial);
      setJobs(answer.jobs.map((j) => ({ ...j, status: 'queued', rows: 0, rowsPerSec: 0, percent: 0 })));
      setFiles([]);
      poll(answer.jobs.map((j) => j.jobId));
    } catch (err) {
      setBusy(false);
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    }
  };

  return (
    <Card size="small" title={t('imports.upload')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Upload.Dragger
          multiple
          fileList={files}
          beforeUpload={() => false}
          onChange={(info) => setFiles(info.fileList)}
          accept=".csv,.xlsx,.xls,.txt"
          data-testid="import-dropzone"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('imports.drop')}</p>
          <p className="ant-upload-hint">{t('imports.dropHint')}</p>
        </Upload.Dragger>
        <Space wrap>
          <label htmlFor="import-dataset">{t('imports.dataset')}</label>
          <Select
            id="import-dataset"
            data-testid="import-dataset"
            style={{ minWidth: 220 }}
            allowClear
            placeholder={t('imports.datasetAuto')}
            value={dataset ?? undefined}
            onChange={(v: string | undefined) => setDataset(v ?? null)}
            options={DATASETS.map((d) => ({ value: d, label: `${t(`datasets.${d}`)} (${d})` }))}
          />
          <Checkbox
            checked={allowPartial}
            onChange={(e) => setAllowPartial(e.target.checked)}
            data-testid="import-allow-partial"
          >
            {t('imports.allowPartial')}
          </Checkbox>
          <Button
            type="primary"
            icon={<UploadOutlined />}
            disabled={files.length === 0}
            loading={busy}
            onClick={() => void start()}
            data-testid="import-start"
          >
            {t('imports.start')}
          </Button>
        </Space>
        <Typography.Text type="secondary">{t('imports.allowPartialHint')}</Typography.Text>
        {jobs.map((job) => (
          <JobResult key={job.jobId} job={job} />
        ))}
      </Space>
    </Card>
  );
}
