import { useState } from 'react';
import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth-context';
import { UploadPanel } from './upload-panel';
import { BatchHistory } from './batch-history';
import { FreshnessTable } from './freshness-table';

export function ImportPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  // bumped after an import or undo so history and freshness reload
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.imports')}
      </Typography.Title>
      {can('import:run') && <UploadPanel onFinished={bump} />}
      <BatchHistory version={version} onChanged={bump} />
      <FreshnessTable version={version} />
    </Space>
  );
}
