import { Card, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { useReference } from '../../app/reference-context';
import { plansApi, type CompareAnswer } from './plans-api';
import { formatPlanValue } from './plan-format';

type Row = CompareAnswer['counties'][number];

/** Two versions side by side: per county the annual and month values of A and B and B − A. */
export function CompareCard({ a, b }: { a: number; b: number }) {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  const answer = useApi(() => plansApi.compare(a, b), `${a}-${b}`);
  const c = answer.data;
  const fmt = (v: number | undefined) => (c ? formatPlanValue(c.a.metric, v) : '');
  const side = (s: CompareAnswer['a']) =>
    `v${s.version} (${t(`plans.status.${s.status}`)}) · ${s.product ?? t('plans.allProducts')}`;
  // a difference is shown only where the versions differ, in colour, so changes stand out
  const cell = (x: number, y: number, diff: number) => (
    <span>
      {fmt(x)} → {fmt(y)}
      {diff !== 0 && (
        <>
          <br />
          <Typography.Text type={diff > 0 ? 'success' : 'danger'}>
            {diff > 0 ? '+' : ''}
            {fmt(diff)}
          </Typography.Text>
        </>
      )}
    </span>
  );
  return (
    <Card
      size="small"
      data-testid="compare-card"
      title={
        c
          ? `${t('plans.compare')} · ${c.a.year} ${t(`plans.metric.${c.a.metric}`)}: A = ${side(c.a)}, B = ${side(c.b)}`
          : t('plans.compare')
      }
    >
      <ErrorAlert error={answer.error} onRetry={answer.reload} />
      {c && (
        <Typography.Paragraph data-testid="compare-total">
          {t('plans.compareTotal', {
            a: fmt(c.a.annual),
            b: fmt(c.b.annual),
            diff: fmt(c.b.annual - c.a.annual),
          })}
        </Typography.Paragraph>
      )}
      <Table<Row>
        data-testid="compare-table"
        size="small"
        rowKey="county"
        loading={answer.loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={c?.counties ?? []}
        columns={[
          {
            title: t('plans.col.county'),
            dataIndex: 'county',
            fixed: 'left',
            render: (v: string) => keyLabel('county', v),
          },
          {
            title: t('plans.col.annual'),
            key: 'annual',
            align: 'right',
            render: (_, r) => (
              <span data-testid={`compare-annual-${r.county}`}>{cell(r.a, r.b, r.diff)}</span>
            ),
          },
          ...Array.from({ length: 12 }, (_, k) => ({
            title: `${k + 1}`,
            key: `m${k}`,
            align: 'right' as const,
            render: (_: unknown, r: Row) => {
              const m = r.months[k];
              return m ? cell(m.a, m.b, m.diff) : '—';
            },
          })),
        ]}
      />
    </Card>
  );
}
