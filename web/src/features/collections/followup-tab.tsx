import { useState } from 'react';
import { App, Button, Card, DatePicker, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, ThunderboltOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useApi } from '../../lib/use-api';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { useAuth, useSession } from '../auth/auth-context';
import { followupApi, REASONS, type FollowupItem, type Reason } from './collections-api';
import { CountySelect, todayIso, useCountyLabel, useCountyParam } from './collections-common';
import { FollowupImport } from './followup-import';
import { FollowupStats } from './followup-stats';
import { OutcomeEditor, useFiguresText } from './followup-row-editor';
import { AssigneeCell } from './followup-assignee';

const REASON_COLOR: Record<Reason, string> = {
  single_stop: 'gold',
  dual_stop: 'orange',
  zero_fee: 'purple',
  contract_ending: 'blue',
  arrears: 'red',
};

/**
 * 逐户核查: the day's list of a county (open items carried over, items closed that day or later),
 * outcomes with notes, the .xlsx round trip, and completion statistics (the city view).
 */
export function FollowupTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const { county, bound, setCounty } = useCountyParam();
  const label = useCountyLabel();
  const figures = useFiguresText();
  const urlDate = params.get('date') ?? undefined;
  const status = (params.get('status') ?? undefined) as 'open' | 'closed' | undefined;
  const reason = (params.get('reason') ?? undefined) as Reason | undefined;
  const mine = params.get('mine') === '1';
  const set = (key: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(key, v);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const canWork = can('followup:work');
  const [generating, setGenerating] = useState(false);
  const [changes, setChanges] = useState(0);

  const q = {
    date: urlDate ?? '',
    county,
    status,
    reason,
    assignee: mine ? session.user.username : undefined,
  };
  // without a county a city user sees the statistics only: the lists are per county
  const list = useApi(() => followupApi.list(q), `ful${JSON.stringify(q)}`, county !== undefined);
  // the county's users an open item can be handed to (only those who may work the list ask)
  const assignees = useApi(
    () => followupApi.assignees(county ?? ''),
    `fua${county ?? ''}`,
    canWork && county !== undefined,
  );
  // the server's today when no date was picked
  const date = urlDate ?? list.data?.date ?? todayIso();
  const statsTo = params.get('sto') ?? date;
  const statsFrom = params.get('sfrom') ?? dayjs(statsTo).subtract(30, 'day').format('YYYY-MM-DD');

  // a saved outcome, an import or a generation changes both the list and the statistics
  const changed = () => {
    list.reload();
    setChanges((n) => n + 1);
  };
  const generate = async () => {
    setGenerating(true);
    try {
      const r = await followupApi.generate({ date, county });
      const n = r.counties.reduce((s, c) => s + c.created, 0);
      void message.success(t('coll.fu.generated', { n }));
      changed();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setGenerating(false);
    }
  };

  const items = list.data?.items ?? [];
  const done = items.filter((i) => i.status === 'closed').length;
  const stats = (
    <FollowupStats
      from={statsFrom}
      to={statsTo}
      county={county}
      refreshKey={changes}
      onPeriod={(f, to) => {
        const next = new URLSearchParams(params);
        next.set('sfrom', f);
        next.set('sto', to);
        setParams(next, { replace: true });
      }}
    />
  );

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          allowClear={false}
          aria-label={t('coll.fu.date')}
          data-testid="fu-date"
          value={dayjs(date)}
          onChange={(d) => d && set('date', d.format('YYYY-MM-DD'))}
        />
        <CountySelect value={county} onChange={setCounty} />
        <Select
          aria-label={t('coll.fu.status')}
          data-testid="fu-status"
          style={{ width: 120 }}
          value={status ?? ''}
          onChange={(v: string) => set('status', v || undefined)}
          options={[
            { value: '', label: t('coll.fu.statusAll') },
            { value: 'open', label: t('coll.fu.open') },
            { value: 'closed', label: t('coll.fu.closed') },
          ]}
        />
        <Select
          aria-label={t('coll.fu.reason')}
          style={{ width: 170 }}
          value={reason ?? ''}
          onChange={(v: string) => set('reason', v || undefined)}
          options={[
            { value: '', label: t('coll.fu.reasonAll') },
            ...REASONS.map((r) => ({ value: r, label: t(`coll.fu.reasons.${r}`) })),
          ]}
        />
        <Space size={4}>
          <Switch size="small" checked={mine} onChange={(v) => set('mine', v ? '1' : undefined)} />
          {t('coll.fu.onlyMine')}
        </Space>
        {canWork && (
          <Button
            icon={<ThunderboltOutlined />}
            loading={generating}
            data-testid="fu-generate"
            onClick={() => void generate()}
          >
            {t('coll.fu.generate')}
          </Button>
        )}
        <Button
          icon={<DownloadOutlined />}
          data-testid="fu-export"
          disabled={!county}
          href={county ? followupApi.exportUrl(county, date) : undefined}
        >
          {t('coll.fu.export')}
        </Button>
        {canWork && <FollowupImport onImported={changed} />}
      </Space>
      {!bound && stats}
      {county === undefined ? (
        <Typography.Text type="secondary">{t('coll.fu.pickCounty')}</Typography.Text>
      ) : (
        <Card
          size="small"
          title={t('coll.fu.listTitle', { county: label(county) })}
          extra={
            <Typography.Text data-testid="fu-progress">
              {t('coll.fu.closed')} {done} / {items.length}
            </Typography.Text>
          }
        >
          <ErrorAlert error={list.error} onRetry={list.reload} />
          <Table<FollowupItem>
            data-testid="fu-table"
            size="small"
            rowKey="item_id"
            loading={list.loading}
            dataSource={items}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            scroll={{ x: 1050 }}
            onRow={(r) =>
              ({
                'data-item': String(r.item_id),
                'data-status': r.status,
              }) as React.HTMLAttributes<HTMLElement>
            }
            columns={[
              { title: '#', dataIndex: 'item_id', width: 60 },
              {
                title: t('coll.fu.reason'),
                dataIndex: 'reason',
                width: 120,
                render: (r: Reason) => <Tag color={REASON_COLOR[r]}>{t(`coll.fu.reasons.${r}`)}</Tag>,
              },
              {
                title: t('coll.debtor.subscriber'),
                key: 'sub',
                width: 160,
                render: (_, r) => (
                  <Space direction="vertical" size={0}>
                    <Link to={`/subscribers/${encodeURIComponent(r.subscriber_id)}`}>{r.subscriber_id}</Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.customer_name} {r.phone}
                    </Typography.Text>
                  </Space>
                ),
              },
              { title: t('coll.fu.figures'), key: 'fig', render: (_, r) => figures(r) },
              {
                title: `${t('coll.fu.status')} / ${t('coll.fu.assignee')}`,
                key: 'status',
                width: 130,
                render: (_, r) => (
                  <Space direction="vertical" size={0}>
                    {r.status === 'open' ? (
                      <Tag>{t('coll.fu.open')}</Tag>
                    ) : (
                      <Tag color="green">
                        {r.auto_close_text ? t('coll.fu.autoClosed') : t('coll.fu.closed')}
                      </Tag>
                    )}
                    <AssigneeCell
                      item={r}
                      users={assignees.data?.users}
                      canWork={canWork}
                      onSaved={changed}
                    />
                  </Space>
                ),
              },
              {
                title: `${t('coll.fu.outcome')} / ${t('coll.fu.note')}`,
                key: 'outcome',
                width: 400,
                fixed: 'right',
                render: (_, r) => (
                  <OutcomeEditor
                    key={`${r.item_id}:${r.outcome ?? ''}:${r.note ?? ''}`}
                    item={r}
                    canWork={canWork}
                    onSaved={changed}
                  />
                ),
              },
            ]}
          />
        </Card>
      )}
      {bound && stats}
    </Space>
  );
}
