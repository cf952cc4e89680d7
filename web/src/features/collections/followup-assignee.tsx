import { useState } from 'react';
import { App, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/http';
import { followupApi, type FollowupItem } from './collections-api';

/**
 * The assignee of one item: plain text for readers and closed items (a closed item keeps the user
 * who closed it), a select of the county's users for those who may reassign it.
 */
export function AssigneeCell({
  item,
  users,
  canWork,
  onSaved,
}: {
  item: FollowupItem;
  users: string[] | undefined;
  canWork: boolean;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  if (!canWork || item.status === 'closed' || !users) {
    return (
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {item.assignee ?? t('coll.fu.unassigned')}
      </Typography.Text>
    );
  }
  const assign = async (to: string) => {
    setBusy(true);
    try {
      await followupApi.assign(item.item_id, to);
      void message.success(t('coll.fu.reassigned', { user: to }));
      onSaved();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };
  // an assignee no longer in the county (disabled, moved) stays visible until reassigned
  const names = item.assignee && !users.includes(item.assignee) ? [item.assignee, ...users] : users;
  return (
    <Select
      size="small"
      aria-label={t('coll.fu.reassign')}
      data-testid={`fu-assignee-${item.item_id}`}
      style={{ width: 110 }}
      loading={busy}
      disabled={busy}
      value={item.assignee ?? undefined}
      placeholder={t('coll.fu.unassigned')}
      onChange={(v: string) => void assign(v)}
      options={names.map((u) => ({ value: u, label: u }))}
    />
  );
}
