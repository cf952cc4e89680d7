import { useState } from 'react';
import { App, Button, Card, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatDateTime } from '../../lib/format';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { useReference } from '../../app/reference-context';
import { useAuth } from '../auth/auth-context';
import { plansApi, type PlanDetail, type PlanVersion } from './plans-api';
import { formatPlanValue } from './plan-format';
import { PlanFormModal } from './plan-form-modal';
import { TemplateUploadModal } from './template-upload';
import { CompareCard } from './compare-card';

/** Every version of the year's plans: create, publish, revise, and the county × month values of one. */
export function VersionsTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [year, setYear] = useState(new Date().getFullYear());
  const [creating, setCreating] = useState(false);
  const [revising, setRevising] = useState<PlanDetail | undefined>();
  const [selected, setSelected] = useState<number | null>(null);
  const [uploading, setUploading] = useState(false);
  // two ticked versions (older first) and whether their comparison is shown
  const [ticked, setTicked] = useState<number[]>([]);
  const [comparing, setComparing] = useState<[number, number] | null>(null);
  const list = useApi(() => plansApi.list(year), String(year));
  const detail = useApi(() => plansApi.detail(selected ?? 0), String(selected), selected !== null);
  const writer = can('plans:write');
  const { keyLabel } = useReference();

  const publish = async (id: number) => {
    try {
      await plansApi.publish(id);
      void message.success(t('plans.published'));
      list.reload();
    } catch (e) {
      void message.error(errorMessage(e, i18n.language, t('common.requestFailed')));
    }
  };

  const d = detail.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Space wrap>
        <InputNumber
          aria-label={t('plans.year')}
          value={year}
          onChange={(v) => v && setYear(v)}
          min={2000}
          max={2999}
        />
        {writer && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="plan-create">
            {t('plans.create')}
          </Button>
        )}
        <Button href={`/api/plans/template?year=${year}`} data-testid="plan-template">
          {t('plans.template')}
        </Button>
        {writer && (
          <Button onClick={() => setUploading(true)} data-testid="plan-upload">
            {t('plans.upload')}
          </Button>
        )}
        <Button
          disabled={ticked.length !== 2}
          data-testid="plan-compare"
          onClick={() => {
            const [x, y] = [...ticked].sort((p, q) => p - q);
            if (x !== undefined && y !== undefined) setComparing([x, y]);
          }}
        >
          {t('plans.compare')}
        </Button>
        <Typography.Text type="secondary">{t('plans.compareHint')}</Typography.Text>
      </Space>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <Table<PlanVersion>
        data-testid="versions-table"
        rowKey="plan_id"
        size="small"
        loading={list.loading}
        pagination={false}
        dataSource={list.data ?? []}
        onRow={(r) => ({ onClick: () => setSelected(r.plan_id), style: { cursor: 'pointer' } })}
        rowClassName={(r) => (r.plan_id === selected ? 'ant-table-row-selected' : '')}
        rowSelection={{
          selectedRowKeys: ticked,
          // at most two: ticking a third drops the oldest tick
          onChange: (keys) => setTicked(keys.map(Number).slice(-2)),
        }}
        columns={[
          {
            title: t('plans.col.metric'),
            render: (_, r) => `${t(`plans.metric.${r.metric}`)} · ${r.product ?? t('plans.allProducts')}`,
          },
          { title: t('plans.col.version'), dataIndex: 'version' },
          {
            title: t('plans.col.light'),
            render: (_, r) => (
              <Tag
                color={r.status === 'published' ? 'green' : 'default'}
                data-testid={`plan-status-${r.plan_id}`}
                data-status={r.status}
              >
                {t(`plans.status.${r.status}`)}
              </Tag>
            ),
          },
          {
            title: t('plans.col.annual'),
            align: 'right',
            render: (_, r) => formatPlanValue(r.metric, r.annual),
          },
          {
            title: t('plans.col.mode'),
            render: (_, r) =>
              r.based_on
                ? `${t(`plans.reviseMode.${r.revision_mode}`)}${r.revision_mode === 'remaining' ? ` (${r.from_month})` : ''}`
                : '—',
          },
          {
            title: t('plans.col.createdBy'),
            render: (_, r) => `${r.created_by} ${formatDateTime(r.created_at)}`,
          },
          {
            title: t('plans.col.publishedBy'),
            render: (_, r) => (r.published_by ? `${r.published_by} ${formatDateTime(r.published_at)}` : '—'),
          },
          {
            key: 'ops',
            title: t('common.actions'),
            render: (_, r) =>
              writer && (
                <Space onClick={(e) => e.stopPropagation()}>
                  {r.status === 'draft' && (
                    <Button
                      size="small"
                      type="link"
                      data-testid={`publish-${r.plan_id}`}
                      onClick={() => void publish(r.plan_id)}
                    >
                      {t('plans.publish')}
                    </Button>
                  )}
                  <Button
                    size="small"
                    type="link"
                    onClick={() => void plansApi.detail(r.plan_id).then(setRevising)}
                  >
                    {t('plans.revise')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {comparing && <CompareCard a={comparing[0]} b={comparing[1]} />}
      {d && (
        <Card
          size="small"
          title={`${t('plans.countyPlan')} · ${d.year} ${t(`plans.metric.${d.metric}`)} v${d.version}`}
        >
          <Table
            data-testid="plan-detail-table"
            size="small"
            rowKey="county"
            pagination={false}
            scroll={{ x: true }}
            dataSource={d.counties}
            columns={[
              {
                title: t('plans.col.county'),
                dataIndex: 'county',
                fixed: 'left',
                render: (c: string) => keyLabel('county', c),
              },
              {
                title: t('plans.col.annual'),
                dataIndex: 'annual',
                align: 'right',
                render: (v: number) => formatPlanValue(d.metric, v),
              },
              ...['Q1', 'Q2', 'Q3', 'Q4'].map((q, k) => ({
                title: q,
                key: q,
                align: 'right' as const,
                render: (_: unknown, c: (typeof d.counties)[number]) =>
                  formatPlanValue(d.metric, c.quarters[k]),
              })),
              ...Array.from({ length: 12 }, (_, k) => ({
                title: `${k + 1}`,
                key: `m${k}`,
                align: 'right' as const,
                render: (_: unknown, c: (typeof d.counties)[number]) =>
                  formatPlanValue(d.metric, c.months[k]),
              })),
            ]}
          />
        </Card>
      )}
      <TemplateUploadModal
        open={uploading}
        onClose={() => setUploading(false)}
        onDone={() => {
          setUploading(false);
          list.reload();
        }}
      />
      <PlanFormModal
        year={year}
        open={creating || revising !== undefined}
        base={revising}
        onClose={() => {
          setCreating(false);
          setRevising(undefined);
        }}
        onSaved={() => {
          setCreating(false);
          setRevising(undefined);
          list.reload();
        }}
      />
    </Space>
  );
}
