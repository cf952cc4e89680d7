import { Button, Card, Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { metricsApi, type MetricDef, type MetricQuery, type MetricRow } from '../../api/metrics-api';
import { useApi } from '../../lib/use-api';
import { formatCount, formatMoney, formatRate } from '../../lib/format';
import { ErrorAlert } from '../../components/error-alert';
import { useReference } from '../../app/reference-context';
import { pointDate } from './dashboard-queries';
import { monthEnd, monthStart } from '../../lib/format';

type RankRow = {
  county: string;
  rank: number;
  collection: MetricRow | undefined;
  netAdds: MetricRow | undefined;
  active: MetricRow | undefined;
};

type Props = {
  month: string;
  onDrill: (def: MetricDef, query: MetricQuery, row: MetricRow) => void;
};

/** Counties ranked by current collection rate (a null rate ranks last), with net adds beside it. */
export function CountyRanking({ month, onDrill }: Props) {
  const { t } = useTranslation();
  const { keyLabel, metric } = useReference();
  const qCollection: MetricQuery = { month, by: ['county'] };
  const qPeriod: MetricQuery = { from: monthStart(month), to: monthEnd(month), by: ['county'] };
  const qPoint: MetricQuery = { at: pointDate(month), by: ['county'] };

  const data = useApi(
    async () => {
      const [collection, netAdds, active] = await Promise.all([
        metricsApi.query('current_collection_rate', qCollection),
        metricsApi.query('net_adds', qPeriod),
        metricsApi.query('active_subscribers', qPoint),
      ]);
      const find = (rows: MetricRow[], county: string) => rows.find((r) => r.county === county);
      const counties = collection.rows.map((r) => r.county).filter((c): c is string => typeof c === 'string');
      const rows = counties.map((county) => ({
        county,
        rank: 0,
        collection: find(collection.rows, county),
        netAdds: find(netAdds.rows, county),
        active: find(active.rows, county),
      }));
      rows.sort((a, b) => {
        const av = a.collection?.value ?? null;
        const bv = b.collection?.value ?? null;
        if (av === null && bv === null) return a.county.localeCompare(b.county);
        if (av === null) return 1;
        if (bv === null) return -1;
        return bv - av || a.county.localeCompare(b.county);
      });
      return rows.map((r, i) => ({ ...r, rank: i + 1 }));
    },
    JSON.stringify(['ranking', month]),
  );

  const drillButton = (id: string, query: MetricQuery, row: MetricRow | undefined, text: string) => {
    const def = metric(id);
    if (!def || !row) return text;
    return (
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onDrill(def, query, row)}>
        {text}
      </Button>
    );
  };

  const columns: TableProps<RankRow>['columns'] = [
    { title: t('dashboard.rank'), dataIndex: 'rank', width: 64, align: 'right' },
    { title: t('cuts.county'), dataIndex: 'county', render: (c: string) => keyLabel('county', c) },
    {
      title: t('dashboard.collectionRate'),
      align: 'right',
      render: (_, r) =>
        drillButton(
          'current_collection_rate',
          qCollection,
          r.collection,
          formatRate(r.collection?.value ?? null),
        ),
    },
    {
      title: t('dashboard.collectedOfReceivable'),
      align: 'right',
      responsive: ['md'],
      render: (_, r) =>
        `${formatMoney(r.collection?.numerator ?? null)} / ${formatMoney(r.collection?.denominator ?? null)}`,
    },
    {
      title: t('dashboard.netAdds'),
      align: 'right',
      render: (_, r) => drillButton('net_adds', qPeriod, r.netAdds, formatCount(r.netAdds?.value ?? null)),
    },
    {
      title: t('dashboard.activeSubscribers'),
      align: 'right',
      responsive: ['md'],
      render: (_, r) =>
        drillButton('active_subscribers', qPoint, r.active, formatCount(r.active?.value ?? null)),
    },
  ];

  return (
    <Card title={t('dashboard.countyRanking')} size="small">
      <ErrorAlert error={data.error} onRetry={data.reload} />
      <Table<RankRow>
        data-testid="county-ranking"
        size="small"
        rowKey="county"
        loading={data.loading}
        columns={columns}
        dataSource={data.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
      />
    </Card>
  );
}
