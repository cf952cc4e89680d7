import { Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  ratePartUnit,
  type Cut,
  type MetricAnswer,
  type MetricDef,
  type MetricRow,
} from '../../api/metrics-api';
import { formatValue } from '../../lib/format';
import { useReference } from '../../app/reference-context';

type Props = {
  def: MetricDef;
  answer: MetricAnswer;
  onRow: (row: MetricRow) => void;
};

/** One row per group; rates also show numerator and denominator. A row (or Enter on it) opens the drill-down. */
export function ResultTable({ def, answer, onRow }: Props) {
  const { t } = useTranslation();
  const { keyLabel } = useReference();
  const by = answer.by ?? [];
  const part = ratePartUnit(def);

  const columns: TableProps<MetricRow>['columns'] = [
    ...by.map((cut: Cut) => ({
      key: cut,
      title: t(`cuts.${cut}`),
      render: (_: unknown, r: MetricRow) => {
        const v = r[cut] ?? null;
        return cut === 'month' || cut === 'bucket' ? (v ?? t('cuts.none')) : keyLabel(cut, v);
      },
    })),
    {
      key: 'value',
      title: t('explorer.value'),
      align: 'right' as const,
      render: (_: unknown, r: MetricRow) => formatValue(r.value, def.unit),
    },
    ...(def.unit === 'rate'
      ? [
          {
            key: 'numerator',
            title: t('drill.numerator'),
            align: 'right' as const,
            render: (_: unknown, r: MetricRow) => formatValue(r.numerator ?? null, part),
          },
          {
            key: 'denominator',
            title: t('drill.denominator'),
            align: 'right' as const,
            render: (_: unknown, r: MetricRow) => formatValue(r.denominator ?? null, part),
          },
        ]
      : []),
  ];

  return (
    <Table<MetricRow>
      data-testid="explorer-table"
      size="small"
      columns={columns}
      dataSource={answer.rows}
      rowKey={(r) => by.map((c) => String(r[c] ?? '∅')).join('|') || 'all'}
      pagination={answer.rows.length > 50 ? { pageSize: 50, showSizeChanger: true } : false}
      scroll={{ x: 'max-content' }}
      onRow={(r) => ({
        onClick: () => onRow(r),
        onKeyDown: (e) => {
          if (e.key === 'Enter') onRow(r);
        },
        tabIndex: 0,
        'data-testid': 'explorer-row',
        style: { cursor: 'pointer' },
        title: t('explorer.clickToDrill'),
      })}
    />
  );
}
