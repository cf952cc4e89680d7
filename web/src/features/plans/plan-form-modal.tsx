import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/http';
import {
  plansApi,
  PLAN_METRICS,
  type Distribution,
  type PlanDetail,
  type PlanMetric,
  type PreviewAnswer,
  type Weights,
} from './plans-api';
import { formatPlanValue } from './plan-format';
import { useReference } from '../../app/reference-context';
import { ALL_PRODUCTS, ProductPicker, productOf } from './product-picker';

type Method = 'households' | 'last_year' | 'blend' | 'manual';
type FormValues = {
  metric: PlanMetric;
  product?: string;
  annual: number;
  method: Method;
  manual?: string;
  dist: 'equal' | 'last_year' | 'custom';
  custom?: string;
  mode?: 'all' | 'remaining';
  from_month?: number;
};

export function weightsOf(method: Method, manual?: string): Weights {
  if (method === 'manual') {
    const values: Record<string, string> = {};
    for (const part of (manual ?? '').split(',')) {
      const [k, v] = part.split('=').map((s) => s.trim());
      if (k && v) values[k] = v;
    }
    return { method: 'manual', values };
  }
  if (method === 'blend') return { method: 'blend', parts: { last_year: '0.6', households: '0.4' } };
  return { method };
}

const distributionOf = (v: FormValues): Distribution =>
  v.dist === 'custom'
    ? { kind: 'custom', percents: (v.custom ?? '').split(',').map((s) => s.trim()) }
    : { kind: v.dist };

/** Create a plan (or revise `base`): method picker, what-if preview of three methods, distribution. */
export function PlanFormModal({
  year,
  base,
  open,
  onClose,
  onSaved,
}: {
  year: number;
  base?: PlanDetail;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { keyLabel } = useReference();
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const metric = Form.useWatch('metric', form) ?? base?.metric ?? 'new_installs';
  const toUnit = (annual: number) => (metric === 'revenue' ? Math.round(annual * 100) : annual);

  const runPreview = async () => {
    const v = await form.validateFields();
    const input = {
      year,
      metric: v.metric,
      product: productOf(v.product),
      annual: toUnit(v.annual),
      distribution: distributionOf(v),
    };
    try {
      setPreview(
        await plansApi.preview(input, [
          weightsOf('households'),
          weightsOf('last_year'),
          weightsOf('blend'),
          ...(v.method === 'manual' ? [weightsOf('manual', v.manual)] : []),
        ]),
      );
    } catch (e) {
      void message.error(errorMessage(e, i18n.language, t('common.requestFailed')));
    }
  };

  const save = async (publish: boolean) => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const weights = weightsOf(v.method, v.manual);
      const distribution = distributionOf(v);
      if (base) {
        await plansApi.revise(base.plan_id, {
          annual: toUnit(v.annual),
          weights,
          distribution,
          mode: v.mode ?? 'all',
          from_month: v.from_month,
        });
      } else {
        await plansApi.create({
          year,
          metric: v.metric,
          product: productOf(v.product),
          annual: toUnit(v.annual),
          weights,
          distribution,
          publish,
        });
      }
      void message.success(publish ? t('plans.published') : t('plans.saved'));
      setPreview(null);
      onSaved();
    } catch (e) {
      void message.error(errorMessage(e, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  const previewCounties = preview?.methods.find((m) => m.ok)?.counties.map((c) => c.county) ?? [];
  return (
    <Modal
      open={open}
      title={base ? `${t('plans.revise')} · ${base.year} v${base.version}` : `${t('plans.create')} · ${year}`}
      width={860}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={() => void runPreview()} data-testid="plan-preview">
            {t('plans.preview')}
          </Button>
          <Button loading={busy} onClick={() => void save(false)} data-testid="plan-save">
            {t('plans.save')}
          </Button>
          {!base && (
            <Button
              type="primary"
              loading={busy}
              onClick={() => void save(true)}
              data-testid="plan-save-publish"
            >
              {t('plans.savePublish')}
            </Button>
          )}
        </Space>
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{
          metric: base?.metric ?? 'new_installs',
          product: base?.product ?? ALL_PRODUCTS,
          annual: base ? (base.metric === 'revenue' ? base.annual / 100 : base.annual) : undefined,
          method: 'households',
          dist: 'equal',
          mode: 'remaining',
          from_month: new Date().getMonth() + 1,
        }}
      >
        <Space wrap align="start">
          <Form.Item name="metric" label={t('plans.col.metric')}>
            <Select
              data-testid="plan-metric"
              disabled={!!base}
              style={{ width: 160 }}
              options={PLAN_METRICS.map((m) => ({ value: m, label: t(`plans.metric.${m}`) }))}
            />
          </Form.Item>
          <Form.Item name="product" label={t('plans.col.product')}>
            <ProductPicker testId="plan-product" disabled={!!base} />
          </Form.Item>
          <Form.Item
            name="annual"
            label={metric === 'revenue' ? t('plans.annualYuan') : t('plans.annualInput')}
            rules={[{ required: true }]}
          >
            <InputNumber data-testid="plan-annual" style={{ width: 200 }} precision={0} />
          </Form.Item>
          <Form.Item name="method" label={t('plans.weights')}>
            <Select
              data-testid="plan-method"
              style={{ width: 260 }}
              options={(['households', 'last_year', 'blend', 'manual'] as const).map((m) => ({
                value: m,
                label: t(`plans.method.${m}`),
              }))}
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {() =>
              form.getFieldValue('method') === 'manual' && (
                <Form.Item name="manual" label={t('plans.method.manual')} rules={[{ required: true }]}>
                  <Input placeholder={t('plans.manualHint')} style={{ width: 220 }} />
                </Form.Item>
              )
            }
          </Form.Item>
        </Space>
        <Form.Item name="dist" label={t('plans.distribution')}>
          <Radio.Group
            data-testid="plan-distribution"
            options={(['equal', 'last_year', 'custom'] as const).map((d) => ({
              value: d,
              label: t(`plans.dist.${d}`),
            }))}
          />
        </Form.Item>
        <Form.Item noStyle shouldUpdate>
          {() =>
            form.getFieldValue('dist') === 'custom' && (
              <Form.Item name="custom" rules={[{ required: true }]}>
                <Input placeholder={t('plans.customHint')} />
              </Form.Item>
            )
          }
        </Form.Item>
        {base && (
          <Space wrap>
            <Form.Item name="mode" label={t('plans.col.mode')}>
              <Radio.Group
                options={(['remaining', 'all'] as const).map((m) => ({
                  value: m,
                  label: t(`plans.reviseMode.${m}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="from_month" label={t('plans.fromMonth')}>
              <InputNumber min={1} max={12} />
            </Form.Item>
          </Space>
        )}
      </Form>
      {preview && (
        <>
          <Typography.Title level={5}>{t('plans.whatIf')}</Typography.Title>
          <Table
            size="small"
            rowKey="county"
            pagination={false}
            data-testid="what-if-table"
            dataSource={previewCounties.map((county) => ({ county }))}
            columns={[
              {
                title: t('plans.col.county'),
                dataIndex: 'county',
                render: (c: string) => keyLabel('county', c),
              },
              ...preview.methods.map((m, i) => ({
                title: t(`plans.method.${m.weights.method}`),
                key: String(i),
                align: 'right' as const,
                render: (_: unknown, r: { county: string }) =>
                  m.ok
                    ? formatPlanValue(metric, m.counties.find((c) => c.county === r.county)?.annual)
                    : i18n.language.startsWith('en')
                      ? m.error.message_en
                      : m.error.message_zh,
              })),
            ]}
          />
        </>
      )}
    </Modal>
  );
}
