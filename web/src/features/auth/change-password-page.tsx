import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { authApi, MIN_PASSWORD_LENGTH } from '../../api/auth-api';
import { errorMessage } from '../../api/http';
import { useAuth } from './auth-context';

type PasswordForm = { oldPassword: string; newPassword: string; confirm: string };

export function ChangePasswordPage() {
  const { t, i18n } = useTranslation();
  const { session, refresh, logout } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const forced = session?.user.mustChangePassword ?? false;

  const onFinish = async (values: PasswordForm) => {
    setBusy(true);
    setError(null);
    try {
      await authApi.changePassword(values.oldPassword, values.newPassword);
      await refresh();
      await navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-screen">
      <Card style={{ width: 420, maxWidth: '92vw' }}>
        <Typography.Title level={4}>{t('password.title')}</Typography.Title>
        {forced && (
          <Alert type="warning" showIcon message={t('password.forced')} style={{ marginBottom: 16 }} />
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Form<PasswordForm> layout="vertical" onFinish={(v) => void onFinish(v)} data-testid="password-form">
          <Form.Item
            label={t('password.old')}
            name="oldPassword"
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="password-old" />
          </Form.Item>
          <Form.Item
            label={t('password.new')}
            name="newPassword"
            extra={t('password.policy', { n: MIN_PASSWORD_LENGTH })}
            rules={[
              { required: true, message: t('common.required') },
              { min: MIN_PASSWORD_LENGTH, message: t('password.policy', { n: MIN_PASSWORD_LENGTH }) },
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="password-new" />
          </Form.Item>
          <Form.Item
            label={t('password.confirm')}
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="password-confirm" />
          </Form.Item>
          <div style={{ display: 'flex', gap: 8 }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="password-submit">
              {t('password.submit')}
            </Button>
            {forced ? (
              <Button onClick={() => void logout()}>{t('shell.logout')}</Button>
            ) : (
              <Button onClick={() => void navigate(-1)}>{t('common.cancel')}</Button>
            )}
          </div>
        </Form>
      </Card>
    </main>
  );
}
