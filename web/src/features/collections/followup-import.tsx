import { useState } from 'react';
import { Alert, Button, Checkbox, Modal, Space, Table, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/http';
import { pickLang } from '../../i18n';
import { followupApi, ImportRejected, type ImportReport, type RowError } from './collections-api';

/** Upload the filled .xlsx list; a rejected file lists its bad rows (nothing is applied then). */
export function FollowupImport({ onImported }: { onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const r = await followupApi.importOutcomes(file, partial);
      setReport(r);
      onImported();
    } catch (err) {
      if (err instanceof ImportRejected) setReport(err.report);
      setError(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<UploadOutlined />} data-testid="fu-import" onClick={() => setOpen(true)}>
        {t('coll.fu.import')}
      </Button>
      <Modal
        open={open}
        title={t('coll.fu.import')}
        width={800}
        footer={null}
        onCancel={() => {
          setOpen(false);
          setReport(null);
          setError(null);
        }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Upload
              accept=".xlsx"
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={busy} data-testid="fu-import-file">
                {t('coll.fu.import')} (.xlsx)
              </Button>
            </Upload>
            <Checkbox checked={partial} onChange={(e) => setPartial(e.target.checked)}>
              {t('coll.fu.partial')}
            </Checkbox>
          </Space>
          {error && <Alert type="error" showIcon message={error} data-testid="fu-import-error" />}
          {report && !error && (
            <Alert
              type={report.errors.length ? 'warning' : 'success'}
              showIcon
              data-testid="fu-import-result"
              message={t('coll.fu.importDone', report)}
            />
          )}
          {report && report.errors.length > 0 && (
            <Table<RowError>
              data-testid="fu-import-errors"
              size="small"
              title={() => t('coll.fu.importErrors')}
              rowKey={(r, i) => `${r.row ?? 'f'}:${r.column ?? ''}:${i ?? 0}`}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={report.errors}
              columns={[
                { title: t('coll.fu.row'), dataIndex: 'row', width: 70 },
                { title: t('coll.fu.column'), dataIndex: 'column', width: 140 },
                { title: t('coll.fu.value'), dataIndex: 'value', width: 140 },
                {
                  title: t('coll.fu.message'),
                  key: 'm',
                  render: (_, r) => pickLang(r.message_zh, r.message_en, i18n.language),
                },
              ]}
            />
          )}
        </Space>
      </Modal>
    </>
  );
}
