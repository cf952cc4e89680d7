import { useEffect, useState } from 'react';
import { App, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, usersApi, type User } from '../../api/users-api';
import type { Role } from '../../api/auth-api';
import { errorMessage } from '../../api/http';
import { useReference } from '../../app/reference-context';
import { applyServerError } from '../../components/server-form-errors';
import { MIN_PASSWORD_LENGTH } from '../../api/auth-api';

type Values = {
  username: string;
  displayName: string;
  role: Role;
  county?: string | null;
  auditorLevel?: number | null;
  password?: string;
};

const FIELDS = ['username', 'displayName', 'role', 'county', 'auditorLevel', 'password'] as const;

/** Create a user (user = null) or edit one's display name, role, county and auditor level. */
export function UserFormModal({
  open,
  user,
  onClose,
  onSaved,
}: {
  open: boolean;
  user: User | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { reference, keyLabel } = useReference();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (user)
      form.setFieldsValue({
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        county: user.county,
        auditorLevel: user.auditorLevel,
      });
  }, [open, user, form]);

  const needsCounty = role === 'county_manager' || role === 'auditor';
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    const county = needsCounty ? (v.county ?? null) : null;
    const auditorLevel = role === 'auditor' ? (v.auditorLevel ?? null) : null;
    try {
      if (user) {
        await usersApi.update(user.userId, {
          displayName: v.displayName,
          role: v.role,
          county,
          auditorLevel,
        });
      } else {
        await usersApi.create({
          username: v.username.trim(),
          displayName: v.displayName,
          role: v.role,
          county,
          auditorLevel,
          password: v.password ?? '',
        });
      }
      void message.success(t('common.saved'));
      onSaved();
      onClose();
    } catch (err) {
      if (!applyServerError(form, err, i18n.language, FIELDS))
        void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={user ? t('users.edit', { name: user.username }) : t('users.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" data-testid="user-form">
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input disabled={user !== null} autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input data-testid="user-display-name" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('users.role')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            data-testid="user-role"
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </Form.Item>
        {role === 'auditor' && (
          <Form.Item
            name="auditorLevel"
            label={t('users.auditorLevel')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={[1, 2, 3].map((l) => ({ value: l, label: t(`users.level${l}`) }))} />
          </Form.Item>
        )}
        {needsCounty && (
          <Form.Item
            name="county"
            label={t('cuts.county')}
            rules={[{ required: role === 'county_manager', message: t('common.required') }]}
          >
            <Select
              allowClear
              data-testid="user-county"
              options={(reference?.counties ?? []).map((c) => ({
                value: c.code,
                label: keyLabel('county', c.code),
              }))}
            />
          </Form.Item>
        )}
        {!user && (
          <Form.Item
            name="password"
            label={t('users.initialPassword')}
            extra={t('password.policy', { n: MIN_PASSWORD_LENGTH })}
            rules={[
              { required: true, message: t('common.required') },
              { min: MIN_PASSWORD_LENGTH, message: t('password.policy', { n: MIN_PASSWORD_LENGTH }) },
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="user-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** An administrator sets a new password; the server forces the user to change it at next sign-in. */
export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!user) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      await usersApi.resetPassword(user.userId, v.password);
      void message.success(t('users.passwordReset', { name: user.username }));
      onClose();
    } catch (err) {
      if (!applyServerError(form, err, i18n.language, ['password']))
        void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={user !== null}
      title={t('users.resetPasswordOf', { name: user?.username ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="password"
          label={t('password.new')}
          extra={t('password.policy', { n: MIN_PASSWORD_LENGTH })}
          rules={[
            { required: true, message: t('common.required') },
            { min: MIN_PASSWORD_LENGTH, message: t('password.policy', { n: MIN_PASSWORD_LENGTH }) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
