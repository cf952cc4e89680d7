import { useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { metricsApi, type MetricQuery, type MetricRow } from '../../api/metrics-api';
import { useApi } from '../../lib/use-api';
import { formatValue } from '../../lib/format';
import { pickLang } from '../../i18n';
import { useReference } from '../../app/reference-context';
import { ErrorAlert } from '../../components/error-alert';
import { DrillDrawer, type DrillTarget } from '../../components/drill-drawer';
import { ExplorerControls } from './explorer-controls';
import { ResultChart } from './result-chart';
import { ResultTable } from './result-table';
import { isComplete, parseExplorer, queryForMetric, toSearchParams } from './explorer-url';
import { rowCaption, rowKeys } from './metric-labels';

export function ExplorerPage() {
  const { t, i18n } = useTranslation();
  const { metric, catalog, catalogError, keyLabel, loading: refLoading } = useReference();
  const [params, setParams] = useSearchParams();
  const state = parseExplorer(params);
  const def = state.metric ? metric(state.metric) : undefined;
  const ready = def !== undefined && isComplete(def, state.query);
  const [drill, setDrill] = useState<DrillTarget | null>(null);

  // A shared link naming only the metric gets the default time parameter of its kind.
  useEffect(() => {
    if (def && !isComplete(def, state.query)) {
      setParams(toSearchParams({ metric: def.id, query: queryForMetric(def, state.query) }), {
        replace: true,
      });
    }
  }, [def, state.query, setParams]);

  const answer = useApi(
    () => metricsApi.query(def!.id, state.query),
    JSON.stringify([state.metric, state.query]),
    ready,
  );

  const write = (metricId: string | null, query: MetricQuery) =>
    setParams(toSearchParams({ metric: metricId, query }), { replace: true });

  const onMetric = (id: string) => {
    const next = metric(id);
    if (next) write(id, queryForMetric(next, state.query));
  };

  const openDrill = (row: MetricRow) => {
    if (!def) return;
    setDrill({
      metric: def,
      query: state.query,
      row: rowKeys(row, answer.data?.by ?? []),
      caption: rowCaption(row, state.query, keyLabel, t),
    });
  };

  if (refLoading && !catalog) return <Spin />;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.explorer')}
      </Typography.Title>
      <ErrorAlert error={catalogError} />
      <Card size="small">
        <ExplorerControls
          metricId={state.metric}
          def={def}
          query={state.query}
          onMetric={onMetric}
          onQuery={(q) => write(state.metric, q)}
        />
        {def && (
          <Typography.Paragraph
            type="secondary"
            style={{ marginTop: 12, marginBottom: 0 }}
            data-testid="metric-definition"
          >
            {pickLang(def.definition_zh, def.definition_en, i18n.language)}
          </Typography.Paragraph>
        )}
      </Card>
      {state.metric && !def && catalog && (
        <Alert type="warning" showIcon message={t('explorer.unknownMetric', { id: state.metric })} />
      )}
      {!state.metric && <Empty description={t('explorer.start')} />}
      {def && ready && (
        <Card
          size="small"
          title={
            <Space wrap>
              {t('explorer.result')}
              {answer.data?.cutoff && <Tag>{t('metrics.cutoff', { date: answer.data.cutoff })}</Tag>}
              {answer.data?.provisional && <Tag color="orange">{t('metrics.provisional')}</Tag>}
            </Space>
          }
          extra={
            <Space>
              <Button
                icon={<DownloadOutlined />}
                href={metricsApi.exportUrl(def.id, state.query, 'xlsx')}
                data-testid="export-xlsx"
              >
                {t('common.exportXlsx')}
              </Button>
              <Button
                icon={<DownloadOutlined />}
                href={metricsApi.exportUrl(def.id, state.query, 'csv')}
                data-testid="export-csv"
              >
                {t('common.exportCsv')}
              </Button>
            </Space>
          }
        >
          <ErrorAlert error={answer.error} onRetry={answer.reload} />
          <Spin spinning={answer.loading}>
            {answer.data && answer.data.by.length === 0 && answer.data.rows[0] && (
              <Statistic
                title={t('explorer.total')}
                value={formatValue(answer.data.rows[0].value, def.unit)}
                style={{ marginBottom: 16 }}
                data-testid="explorer-total"
              />
            )}
            {answer.data && <ResultChart def={def} answer={answer.data} />}
            {answer.data && <ResultTable def={def} answer={answer.data} onRow={openDrill} />}
            {!answer.data && !answer.error && <div style={{ minHeight: 120 }} />}
          </Spin>
        </Card>
      )}
      <DrillDrawer target={drill} onClose={() => setDrill(null)} />
    </Space>
  );
}
