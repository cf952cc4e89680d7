import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../lib/use-api';
import { ApiError, errorMessage } from '../../api/http';
import { ErrorAlert } from '../../components/error-alert';
import { useAuth } from '../auth/auth-context';
import { collectionsApi, type CollectionsSettings } from './collections-api';

/** The form shows percent and yuan; the API keeps basis points and fen (integers). */
type FormValues = {
  target_pct: number;
  arrears_yuan: number;
  dual_stop_days: number;
  zero_fee_months: number;
  contract_days: number;
  followup_cron: string;
};
const FIELD_OF: Record<string, keyof FormValues> = {
  target_rate_bp: 'target_pct',
  arrears_threshold_fen: 'arrears_yuan',
  dual_stop_days: 'dual_stop_days',
  zero_fee_months: 'zero_fee_months',
  contract_days: 'contract_days',
  followup_cron: 'followup_cron',
};

const toForm = (s: CollectionsSettings): FormValues => ({
  target_pct: s.target_rate_bp / 100,
  arrears_yuan: s.arrears_threshold_fen / 100,
  dual_stop_days: s.dual_stop_days,
  zero_fee_months: s.zero_fee_months,
  contract_days: s.contract_days,
  followup_cron: s.followup_cron,
});
const toApi = (v: FormValues): CollectionsSettings => ({
  target_rate_bp: Math.round(v.target_pct * 100),
  arrears_threshold_fen: Math.round(v.arrears_yuan * 100),
  dual_stop_days: v.dual_stop_days,
  zero_fee_months: v.zero_fee_months,
  contract_days: v.contract_days,
  followup_cron: v.followup_cron.trim(),
});

/** Collections settings (target, follow-up thresholds, dual-stop days, list time); the server validates. */
export function SettingsTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const canWrite = can('settings:write');
  const settings = useApi(() => collectionsApi.settings(), 'coll-settings');
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  const save = async (v: FormValues) => {
    setSaving(true);
    setError(null);
    try {
      const saved = await collectionsApi.saveSettings(toApi(v));
      form.setFieldsValue(toForm(saved));
      void message.success(t('coll.set.saved'));
    } catch (err) {
      // the server names the bad fields: show each message under its input
      const issues =
        err instanceof ApiError ? (err.details as { issues?: unknown } | undefined)?.issues : undefined;
      if (Array.isArray(issues)) {
        form.setFields(
          (issues as { field?: string; message?: string }[])
            .filter((i) => i.field && FIELD_OF[i.field])
            .map((i) => {
              const name = FIELD_OF[i.field ?? ''] as keyof FormValues;
              // the server's words name the API unit (basis points, fen): say it in the form's unit
              return { name, errors: [t(`coll.set.bad.${name}`), i.message ?? ''].filter(Boolean) };
            }),
        );
      }
      setError(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setSaving(false);
    }
  };

  const num = (
    name: keyof FormValues,
    label: string,
    props: { min?: number; max?: number; step?: number; suffix?: string },
  ) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('coll.set.required') }]}>
      <InputNumber
        data-testid={`set-${name}`}
        disabled={!canWrite}
        style={{ width: 200 }}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        addonAfter={props.suffix}
      />
    </Form.Item>
  );

  return (
    <Card size="small" title={t('coll.set.title')} style={{ maxWidth: 640 }}>
      <ErrorAlert error={settings.error} onRetry={settings.reload} />
      {!canWrite && (
        <Alert type="info" showIcon message={t('coll.set.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {error && (
        <Alert type="error" showIcon message={error} data-testid="set-error" style={{ marginBottom: 16 }} />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        disabled={settings.loading}
      >
        {num('target_pct', t('coll.set.target'), { step: 0.01, suffix: '%' })}
        {num('arrears_yuan', t('coll.set.arrears'), { step: 1, suffix: t('coll.set.yuan') })}
        {num('dual_stop_days', t('coll.set.dualStop'), { suffix: t('coll.set.days') })}
        {num('zero_fee_months', t('coll.set.zeroFee'), { suffix: t('coll.set.months') })}
        {num('contract_days', t('coll.set.contract'), { suffix: t('coll.set.days') })}
        <Form.Item
          name="followup_cron"
          label={t('coll.set.cron')}
          extra={t('coll.set.cronHint')}
          rules={[{ required: true, message: t('coll.set.required') }]}
        >
          <Input data-testid="set-followup_cron" disabled={!canWrite} style={{ width: 200 }} />
        </Form.Item>
        {canWrite && (
          <Button type="primary" htmlType="submit" loading={saving} data-testid="set-save">
            {t('coll.set.save')}
          </Button>
        )}
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('coll.set.note')}
      </Typography.Paragraph>
    </Card>
  );
}
