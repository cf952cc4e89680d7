import { Card, DatePicker, Progress, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatCount } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { followupApi, type FollowupStat, type Rate } from './collections-api';
import { rateText, useCountyLabel } from './collections-common';

function RateBar({ r, testId }: { r: Rate; testId?: string }) {
  return (
    <Space data-testid={testId} data-value={r.value ?? ''}>
      <Progress
        percent={Math.max(0, Math.min(100, (r.value ?? 0) * 100))}
        showInfo={false}
        size="small"
        style={{ width: 80 }}
      />
      {rateText(r)}
    </Space>
  );
}

/**
 * Completion (closed / generated) and success per county and assignee for the lists generated in a
 * period (the city view; a county user sees their own county's rows).
 */
export function FollowupStats({
  from,
  to,
  county,
  onPeriod,
  refreshKey = 0,
}: {
  from: string;
  to: string;
  county: string | undefined;
  onPeriod: (from: string, to: string) => void;
  /** bumped by the list after each saved outcome, import or generation */
  refreshKey?: number;
}) {
  const { t } = useTranslation();
  const label = useCountyLabel();
  const q = { from, to, county };
  const stats = useApi(() => followupApi.stats(q), `fus${JSON.stringify(q)}:${refreshKey}`);
  const common = [
    { title: t('coll.fu.total'), dataIndex: 'total', align: 'right' as const, render: formatCount },
    { title: t('coll.fu.closedCount'), dataIndex: 'closed', align: 'right' as const, render: formatCount },
    { title: t('coll.fu.openCount'), dataIndex: 'open', align: 'right' as const, render: formatCount },
    {
      title: t('coll.fu.autoClosedCount'),
      dataIndex: 'auto_closed',
      align: 'right' as const,
      render: formatCount,
    },
    { title: t('coll.fu.success'), dataIndex: 'success', align: 'right' as const, render: formatCount },
  ];
  return (
    <Card
      title={t('coll.fu.stats')}
      size="small"
      data-testid="fu-stats"
      extra={
        <DatePicker.RangePicker
          aria-label={t('coll.fu.statsPeriod')}
          allowClear={false}
          value={[dayjs(from), dayjs(to)]}
          onChange={(v) => {
            if (v?.[0] && v[1]) onPeriod(v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD'));
          }}
        />
      }
    >
      <ErrorAlert error={stats.error} onRetry={stats.reload} />
      <Table<FollowupStat>
        data-testid="fu-stats-counties"
        title={() => t('coll.fu.byCounty')}
        size="small"
        rowKey="county_code"
        loading={stats.loading}
        pagination={false}
        dataSource={stats.data?.counties ?? []}
        onRow={(r) => ({ 'data-county': r.county_code }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
          ...common,
          {
            title: t('coll.fu.completion'),
            key: 'completion',
            render: (_, r) => <RateBar r={r.completion} testId={`fu-completion-${r.county_code}`} />,
          },
          {
            title: t('coll.fu.successRate'),
            key: 'success_rate',
            render: (_, r) => <RateBar r={r.success_rate} />,
          },
        ]}
      />
      <Table<FollowupStat>
        data-testid="fu-stats-assignees"
        title={() => t('coll.fu.byAssignee')}
        size="small"
        rowKey={(r) => `${r.county_code}:${r.assignee ?? ''}`}
        loading={stats.loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={stats.data?.assignees ?? []}
        columns={[
          { title: t('coll.county'), dataIndex: 'county_code', render: (c: string) => label(c) },
          {
            title: t('coll.fu.assignee'),
            dataIndex: 'assignee',
            render: (a: string | null) => a ?? t('coll.fu.unassigned'),
          },
          ...common,
          {
            title: t('coll.fu.completion'),
            key: 'completion',
            render: (_, r) => <RateBar r={r.completion} />,
          },
          {
            title: t('coll.fu.successRate'),
            key: 'success_rate',
            render: (_, r) => <RateBar r={r.success_rate} />,
          },
        ]}
      />
    </Card>
  );
}
