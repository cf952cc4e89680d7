import { Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Cut, MetricAnswer, MetricDef, MetricRow } from '../../api/metrics-api';
import { formatCount, formatMoneyShort, formatRate, formatValue } from '../../lib/format';
import { Chart, type EChartsOption } from '../../components/chart';
import { useReference } from '../../app/reference-context';

const keyOf = (row: MetricRow, cut: Cut): string | null => row[cut] ?? null;

/** Line for a month cut, bars for other single cuts, stacked bars for two cuts (grouped for rates). */
export function ResultChart({ def, answer }: { def: MetricDef; answer: MetricAnswer }) {
  const { t, i18n } = useTranslation();
  const { keyLabel, metricLabel } = useReference();
  const by = answer.by ?? [];
  if (by.length === 0 || by.length > 2 || answer.rows.length === 0) {
    return by.length > 2 ? <Empty description={t('explorer.chartTooManyCuts')} /> : null;
  }
  const label = (cut: Cut, code: string | null): string =>
    cut === 'month' || cut === 'bucket' ? (code ?? t('cuts.none')) : keyLabel(cut, code);
  const axisFormat = (v: number): string =>
    def.unit === 'fen'
      ? formatMoneyShort(v, i18n.language)
      : def.unit === 'rate'
        ? formatRate(v, 0)
        : formatCount(v);
  const tooltipFormat = (v: unknown): string => formatValue(typeof v === 'number' ? v : null, def.unit);

  // With a month among two cuts, months go on the x axis so the chart reads as a trend.
  const [xCut, seriesCut] = by.length === 2 && by[1] === 'month' ? [by[1], by[0]] : [by[0]!, by[1]];
  const xKeys = [...new Set(answer.rows.map((r) => keyOf(r, xCut)))];
  const name = metricLabel(def);

  let series: EChartsOption['series'];
  if (!seriesCut) {
    const values = new Map(answer.rows.map((r) => [keyOf(r, xCut), r.value]));
    series = [
      {
        name,
        type: xCut === 'month' ? 'line' : 'bar',
        data: xKeys.map((k) => values.get(k) ?? null),
      },
    ];
  } else {
    const seriesKeys = [...new Set(answer.rows.map((r) => keyOf(r, seriesCut)))];
    series = seriesKeys.map((sk) => {
      const values = new Map(
        answer.rows.filter((r) => keyOf(r, seriesCut) === sk).map((r) => [keyOf(r, xCut), r.value]),
      );
      return {
        name: label(seriesCut, sk),
        type: 'bar' as const,
        stack: def.unit === 'rate' ? undefined : 'total',
        data: xKeys.map((k) => values.get(k) ?? null),
      };
    });
  }

  const option: EChartsOption = {
    tooltip: { trigger: 'axis', valueFormatter: tooltipFormat },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 72, right: 24, top: 40, bottom: 56 },
    xAxis: {
      type: 'category',
      data: xKeys.map((k) => label(xCut, k)),
      axisLabel: { rotate: xKeys.length > 8 ? 30 : 0, interval: 0 },
    },
    yAxis: { type: 'value', axisLabel: { formatter: axisFormat } },
    series,
  };
  return <Chart option={option} height={340} label={name} testId="explorer-chart" />;
}
