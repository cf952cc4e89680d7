import { useState } from 'react';
import { Alert, App, Button, Checkbox, Modal, Space, Table, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../api/http';
import { plansApi, type TemplateError } from './plans-api';

const isTemplateError = (e: unknown): e is TemplateError =>
  typeof e === 'object' && e !== null && 'message_zh' in e && 'message_en' in e;

/** The rejected cells the server lists in `details.errors` (one bad cell rejects the whole file). */
export function templateErrors(err: unknown): TemplateError[] {
  if (!(err instanceof ApiError)) return [];
  const details = err.details as { errors?: unknown } | null | undefined;
  return Array.isArray(details?.errors) ? details.errors.filter(isTemplateError) : [];
}

/** Upload the filled target template (.xlsx): all targets are created, or none with the errors per cell. */
export function TemplateUploadModal({
  open,
  onClose,
  onDone,
}: {
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [publish, setPublish] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; errors: TemplateError[] } | null>(null);
  const en = i18n.language.startsWith('en');

  const close = () => {
    setFile(null);
    setFailure(null);
    onClose();
  };
  const send = async () => {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    try {
      const created = await plansApi.upload(file, publish);
      void message.success(t('plans.uploaded', { count: created.length }));
      setFile(null);
      onDone();
    } catch (e) {
      setFailure({
        message: errorMessage(e, i18n.language, t('common.requestFailed')),
        errors: templateErrors(e),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('plans.upload')}
      width={760}
      onCancel={close}
      destroyOnHidden
      footer={
        <Button
          type="primary"
          disabled={!file}
          loading={busy}
          onClick={() => void send()}
          data-testid="plan-upload-send"
        >
          {t('plans.uploadSend')}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Upload.Dragger
          accept=".xlsx"
          multiple={false}
          maxCount={1}
          data-testid="plan-upload-file"
          fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          beforeUpload={(f) => {
            setFile(f);
            setFailure(null);
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <p className="ant-upload-text">{t('plans.uploadDrop')}</p>
          <p className="ant-upload-hint">{t('plans.uploadHint')}</p>
        </Upload.Dragger>
        <Checkbox checked={publish} onChange={(e) => setPublish(e.target.checked)}>
          {t('plans.uploadPublish')}
        </Checkbox>
        {failure && <Alert type="error" showIcon message={failure.message} data-testid="plan-upload-error" />}
        {failure && failure.errors.length > 0 && (
          <Table<TemplateError>
            data-testid="plan-upload-errors"
            size="small"
            rowKey={(r, i) => `${r.row ?? '-'}-${r.column ?? '-'}-${i ?? 0}`}
            pagination={false}
            scroll={{ y: 300 }}
            dataSource={failure.errors}
            columns={[
              {
                title: t('plans.errRow'),
                dataIndex: 'row',
                width: 70,
                render: (v: number | null) => v ?? '—',
              },
              {
                title: t('plans.errColumn'),
                dataIndex: 'column',
                width: 120,
                render: (v: string | null) => v ?? '—',
              },
              {
                title: t('plans.errValue'),
                dataIndex: 'value',
                width: 140,
                render: (v: string | null) => v ?? '',
              },
              {
                title: t('plans.errReason'),
                render: (_, r) => (en ? r.message_en : r.message_zh),
              },
            ]}
          />
        )}
      </Space>
    </Modal>
  );
}
