import { useState } from 'react';
import { App, Button, Card, Descriptions, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import {
  subscribersApi,
  type Record_,
  type RevealedPii,
  type SubscriberSection,
} from '../../api/subscribers-api';
import { errorMessage } from '../../api/http';
import { useApi } from '../../lib/use-api';
import { useAuth } from '../auth/auth-context';
import { useReference } from '../../app/reference-context';
import { ErrorAlert } from '../../components/error-alert';
import { enumLabel, fieldLabel, formatField, isMoneyField } from './record-format';

const PII_FIELDS = ['customer_name', 'id_number', 'phone'] as const;

/** The columns of a section: every field that appears in any of its records, in first-seen order. */
const fieldsOf = (rows: Record_[]): string[] => [...new Set(rows.flatMap((r) => Object.keys(r)))];

function SectionTable({ section }: { section: SubscriberSection }) {
  const { t } = useTranslation();
  const columns = fieldsOf(section.rows).map((field) => ({
    key: field,
    dataIndex: field,
    title: fieldLabel(t, field),
    align: isMoneyField(field) ? ('right' as const) : ('left' as const),
    render: (v: unknown) => enumLabel(t, field, v) ?? formatField(field, v),
  }));
  const totals = Object.entries(section.totals ?? {});
  return (
    <Card
      size="small"
      title={t(`subscriber.sections.${section.key}`, { defaultValue: section.key })}
      data-testid={`subscriber-${section.key}`}
    >
      {totals.length > 0 && (
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 3 }}
          style={{ marginBottom: 8 }}
          items={totals.map(([field, v]) => ({
            key: field,
            label: fieldLabel(t, field),
            children: formatField(field, v),
          }))}
        />
      )}
      <Table<Record_>
        size="small"
        columns={columns}
        dataSource={section.rows}
        rowKey={(_, i) => String(i)}
        scroll={{ x: 'max-content' }}
        pagination={section.rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.noData')} />,
        }}
      />
    </Card>
  );
}

export function SubscriberDetailPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const { can } = useAuth();
  const { keyLabel } = useReference();
  const detail = useApi(() => subscribersApi.get(id), id);
  const [revealed, setRevealed] = useState<RevealedPii | null>(null);
  const [revealing, setRevealing] = useState(false);

  const reveal = async () => {
    setRevealing(true);
    try {
      setRevealed(await subscribersApi.reveal(id));
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setRevealing(false);
    }
  };

  if (detail.loading) return <Spin size="large" />;
  if (detail.error || !detail.data) return <ErrorAlert error={detail.error} onRetry={detail.reload} />;

  const sub: Record_ = { ...detail.data.subscriber, ...(revealed ?? {}) };
  const items = Object.keys(sub).map((field) => {
    const v = sub[field];
    let text: string = enumLabel(t, field, v) ?? formatField(field, v);
    if ((field === 'county' || field === 'county_code') && typeof v === 'string')
      text = keyLabel('county', v);
    if ((field === 'product' || field === 'product_code') && typeof v === 'string')
      text = keyLabel('product', v);
    const pii = (PII_FIELDS as readonly string[]).includes(field);
    return {
      key: field,
      label: fieldLabel(t, field),
      children: (
        <span data-testid={pii ? `pii-${field}` : undefined}>
          {text}
          {pii && !revealed && <Tag style={{ marginLeft: 6 }}>{t('subscriber.masked')}</Tag>}
        </span>
      ),
    };
  });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('subscriber.title', { id })}
        </Typography.Title>
        {can('pii:reveal') && !revealed && (
          <Button
            icon={<EyeOutlined />}
            loading={revealing}
            onClick={() => void reveal()}
            data-testid="pii-reveal"
          >
            {t('subscriber.reveal')}
          </Button>
        )}
        {revealed && <Tag color="orange">{t('subscriber.revealedLogged')}</Tag>}
      </Space>
      <Card size="small" title={t('subscriber.sections.master')}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={items}
          data-testid="subscriber-master"
        />
      </Card>
      {detail.data.sections.map((section) => (
        <SectionTable key={section.key} section={section} />
      ))}
    </Space>
  );
}
