import { useState } from 'react';
import { App, Button, Card, DatePicker, Segmented, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { formatDateTime, formatMoney } from '../../lib/format';
import { errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { collectionsApi, type BulletinRow, type BulletinSummary } from './collections-api';
import { rateText, targetText, useCountyParam } from './collections-common';

/** ISO week key 'YYYY-Www' of a date: the week's Thursday decides the year. */
export function isoWeekKey(d: Dayjs): string {
  const day = 86_400_000;
  const monday0 = (x: Date) => (x.getUTCDay() + 6) % 7;
  const date = new Date(Date.UTC(d.year(), d.month(), d.date()));
  const thursday = new Date(date.getTime() + (3 - monday0(date)) * day);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const firstThursday = jan4.getTime() + (3 - monday0(jan4)) * day;
  const week = 1 + Math.round((thursday.getTime() - firstThursday) / (7 * day));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Weekly / monthly collections bulletins (通报): generate (city staff), archive, xlsx and print. */
export function BulletinsTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { bound } = useCountyParam();
  const [kind, setKind] = useState<'week' | 'month'>('month');
  const [day, setDay] = useState<Dayjs>(dayjs().subtract(1, 'month'));
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const list = useApi(() => collectionsApi.bulletins(), 'bulletins');
  const period = kind === 'month' ? day.format('YYYY-MM') : isoWeekKey(day);

  const generate = async () => {
    setBusy(true);
    try {
      const r = await collectionsApi.generateBulletin(kind, period);
      void message.success(t('common.saved'));
      setSelected(r.bulletin_id);
      list.reload();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {bound ? (
        <Typography.Text type="secondary">{t('coll.bul.cityOnly')}</Typography.Text>
      ) : (
        <Space wrap>
          <Segmented
            data-testid="bul-kind"
            value={kind}
            onChange={(v) => {
              const k = v as 'week' | 'month';
              setKind(k);
              setDay(dayjs().subtract(1, k));
            }}
            options={[
              { value: 'week', label: t('coll.bul.kind.week') },
              { value: 'month', label: t('coll.bul.kind.month') },
            ]}
          />
          <DatePicker
            picker={kind}
            allowClear={false}
            aria-label={t('coll.bul.period')}
            value={day}
            format={(d) => (kind === 'month' ? d.format('YYYY-MM') : isoWeekKey(d))}
            onChange={(d) => d && setDay(d)}
          />
          <Button type="primary" loading={busy} data-testid="bul-generate" onClick={() => void generate()}>
            {t('coll.bul.generate')} {period}
          </Button>
        </Space>
      )}
      <Card title={t('coll.bul.archive')} size="small">
        <ErrorAlert error={list.error} onRetry={list.reload} />
        <Table<BulletinSummary>
          data-testid="bul-archive"
          size="small"
          rowKey="bulletin_id"
          loading={list.loading}
          dataSource={list.data?.bulletins ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          rowClassName={(r) => (r.bulletin_id === selected ? 'ant-table-row-selected' : '')}
          columns={[
            { title: t('coll.bul.period'), dataIndex: 'period_key' },
            {
              title: '',
              dataIndex: 'period_kind',
              render: (k: 'week' | 'month') => <Tag>{t(`coll.bul.kind.${k}`)}</Tag>,
            },
            { title: t('coll.bul.from'), dataIndex: 'period_from' },
            { title: t('coll.bul.to'), dataIndex: 'period_to' },
            { title: t('coll.bul.generatedAt'), dataIndex: 'generated_at', render: formatDateTime },
            { title: t('coll.bul.generatedBy'), dataIndex: 'generated_by' },
            {
              title: t('common.actions'),
              key: 'a',
              render: (_, r) => (
                <Space>
                  <Button size="small" type="link" onClick={() => setSelected(r.bulletin_id)}>
                    {t('coll.bul.view')}
                  </Button>
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    href={collectionsApi.bulletinXlsxUrl(r.bulletin_id)}
                    aria-label={t('coll.bul.download')}
                  />
                  <Button
                    size="small"
                    icon={<PrinterOutlined />}
                    href={collectionsApi.bulletinHtmlUrl(r.bulletin_id)}
                    target="_blank"
                    aria-label={t('coll.bul.print')}
                  />
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {selected !== null && <BulletinView id={selected} />}
    </Space>
  );
}

function BulletinView({ id }: { id: number }) {
  const { t } = useTranslation();
  const b = useApi(() => collectionsApi.bulletin(id), `bul${id}`);
  const d = b.data;
  return (
    <Card
      size="small"
      data-testid="bul-view"
      loading={b.loading}
      title={d ? `${d.period.key}（${d.period.from} ~ ${d.period.to}）` : ''}
      extra={
        <Space>
          <Button
            icon={<DownloadOutlined />}
            href={collectionsApi.bulletinXlsxUrl(id)}
            data-testid="bul-xlsx"
          >
            {t('coll.bul.download')}
          </Button>
          <Button
            icon={<PrinterOutlined />}
            href={collectionsApi.bulletinHtmlUrl(id)}
            target="_blank"
            data-testid="bul-print"
          >
            {t('coll.bul.print')}
          </Button>
        </Space>
      }
    >
      <ErrorAlert error={b.error} onRetry={b.reload} />
      {d && (
        <>
          <Typography.Paragraph type="secondary">
            {t('coll.bul.billMonth', { m: d.bill_month, cutoff: d.cutoff, target: targetText(d.target_bp) })}
            {d.comparison &&
              ` · ${t('coll.bul.compared', { m: d.comparison.previous.bill_month, cutoff: d.comparison.previous.cutoff })}`}
          </Typography.Paragraph>
          <Table<BulletinRow>
            size="small"
            rowKey="county_code"
            pagination={false}
            scroll={{ x: true }}
            dataSource={d.rows}
            columns={[
              { title: t('coll.bul.rank'), dataIndex: 'rank', width: 60 },
              { title: t('coll.county'), dataIndex: 'county_name' },
              {
                title: t('coll.rates.receivable'),
                dataIndex: 'receivable',
                align: 'right',
                render: formatMoney,
              },
              {
                title: t('coll.rates.collected'),
                dataIndex: 'collected',
                align: 'right',
                render: formatMoney,
              },
              {
                title: t('coll.bul.rate'),
                key: 'rate',
                align: 'right',
                render: (_, r) => (
                  <Typography.Text type={r.below_target ? 'danger' : undefined}>
                    {rateText(r.rate)}
                  </Typography.Text>
                ),
              },
              {
                title: t('coll.bul.previous'),
                key: 'prev',
                align: 'right',
                render: (_, r) => rateText(r.previous_rate),
              },
              {
                title: t('coll.bul.change'),
                dataIndex: 'change_bp',
                align: 'right',
                render: (v: number | null) =>
                  v === null ? (
                    '—'
                  ) : (
                    <Typography.Text type={v < 0 ? 'danger' : v > 0 ? 'success' : undefined}>
                      {v > 0 ? '+' : ''}
                      {(v / 100).toFixed(2)} pp
                    </Typography.Text>
                  ),
              },
              { title: t('coll.bul.longTerm'), dataIndex: 'long_term', align: 'right', render: formatMoney },
              {
                title: t('coll.bul.adjustments'),
                key: 'adj',
                align: 'right',
                render: (_, r) => (
                  <Typography.Text type={r.adjustment_level === 'over' ? 'danger' : undefined}>
                    {formatMoney(r.adjustments)} / {formatMoney(r.adjustment_limit)}
                  </Typography.Text>
                ),
              },
              {
                title: t('coll.bul.followup'),
                key: 'fu',
                align: 'right',
                render: (_, r) =>
                  `${rateText(r.followup_completion)} (${r.followup_closed}/${r.followup_total})`,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
