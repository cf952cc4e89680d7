import { useState } from 'react';
import { App, Button, Card, Input, Popconfirm, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { usersApi, type User } from '../../api/users-api';
import { errorMessage } from '../../api/http';
import { useApi } from '../../lib/use-api';
import { formatDateTime } from '../../lib/format';
import { useReference } from '../../app/reference-context';
import { useSession } from '../auth/auth-context';
import { ErrorAlert } from '../../components/error-alert';
import { ResetPasswordModal, UserFormModal } from './user-form-modal';

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { keyLabel } = useReference();
  const session = useSession();
  const users = useApi(() => usersApi.list(), 'users');
  const [editing, setEditing] = useState<User | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [filter, setFilter] = useState('');

  const toggle = async (u: User) => {
    try {
      if (u.disabled) await usersApi.enable(u.userId);
      else await usersApi.disable(u.userId);
      void message.success(t('common.saved'));
      users.reload();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    }
  };

  const columns: TableProps<User>['columns'] = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      sorter: (a, b) => a.username.localeCompare(b.username),
    },
    { title: t('users.displayName'), dataIndex: 'displayName' },
    {
      title: t('users.role'),
      dataIndex: 'role',
      render: (_, u) =>
        `${t(`roles.${u.role}`)}${u.role === 'auditor' && u.auditorLevel ? ` L${u.auditorLevel}` : ''}`,
    },
    {
      title: t('cuts.county'),
      dataIndex: 'county',
      render: (c: string | null) => (c ? keyLabel('county', c) : '—'),
    },
    {
      title: t('users.state'),
      key: 'state',
      render: (_, u) => (
        <Space size={4}>
          {u.disabled ? (
            <Tag color="red">{t('users.disabled')}</Tag>
          ) : (
            <Tag color="green">{t('users.enabled')}</Tag>
          )}
          {u.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.updatedAt'),
      dataIndex: 'updatedAt',
      responsive: ['lg'],
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, u) => (
        <Space size="small" wrap>
          <Button
            size="small"
            onClick={() => {
              setEditing(u);
              setFormOpen(true);
            }}
            data-testid={`user-edit-${u.username}`}
          >
            {t('common.edit')}
          </Button>
          <Button size="small" icon={<KeyOutlined />} onClick={() => setResetting(u)}>
            {t('users.resetPassword')}
          </Button>
          {u.username !== session.user.username && (
            <Popconfirm
              title={
                u.disabled
                  ? t('users.enableConfirm', { name: u.username })
                  : t('users.disableConfirm', { name: u.username })
              }
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
              onConfirm={() => toggle(u)}
            >
              <Button size="small" danger={!u.disabled} data-testid={`user-toggle-${u.username}`}>
                {u.disabled ? t('users.enable') : t('users.disable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const needle = filter.trim().toLowerCase();
  const rows = (users.data ?? []).filter(
    (u) =>
      !needle || u.username.toLowerCase().includes(needle) || u.displayName.toLowerCase().includes(needle),
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.users')}
      </Typography.Title>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            aria-label={t('users.filter')}
            placeholder={t('users.filter')}
            allowClear
            onChange={(e) => setFilter(e.target.value)}
            style={{ width: 240 }}
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setEditing(null);
              setFormOpen(true);
            }}
            data-testid="user-create"
          >
            {t('users.create')}
          </Button>
        </Space>
        <ErrorAlert error={users.error} onRetry={users.reload} />
        <Table<User>
          data-testid="users-table"
          size="small"
          rowKey="userId"
          loading={users.loading}
          columns={columns}
          dataSource={rows}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      </Card>
      <UserFormModal
        open={formOpen}
        user={editing}
        onClose={() => setFormOpen(false)}
        onSaved={users.reload}
      />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </Space>
  );
}
