import { useState } from 'react';
import { App, Button, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/http';
import { formatDateTime, formatMoney } from '../../lib/format';
import { pickLang } from '../../i18n';
import { followupApi, OUTCOMES, type FollowupItem, type Outcome } from './collections-api';

/** The item's figures as one readable line in the UI language. */
export function useFiguresText(): (it: FollowupItem) => string {
  const { t } = useTranslation();
  return (it) => {
    const f = it.figures;
    const s = (k: string) => (f[k] === null || f[k] === undefined ? '—' : String(f[k]));
    switch (it.reason) {
      case 'single_stop':
      case 'dual_stop':
        return t('coll.fu.fig.order', { id: s('order_id'), day: s('order_day') });
      case 'zero_fee':
        return t('coll.fu.fig.zero', { from: s('from_month'), to: s('to_month') });
      case 'contract_ending':
        return t('coll.fu.fig.contract', { id: s('contract_id'), end: s('end_date'), days: s('days_left') });
      case 'arrears':
        return t('coll.fu.fig.arrears', {
          owed: formatMoney(Number(f.owed)),
          months: s('months_owed'),
          oldest: s('oldest_month'),
        });
    }
  };
}

/**
 * Outcome select + note + save for one item. Items closed by imported data show the sentence the
 * server wrote instead; a recorded outcome can be corrected.
 */
export function OutcomeEditor({
  item,
  canWork,
  onSaved,
}: {
  item: FollowupItem;
  canWork: boolean;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [outcome, setOutcome] = useState<Outcome | undefined>(item.outcome ?? undefined);
  const [note, setNote] = useState(item.note ?? '');
  const [busy, setBusy] = useState(false);
  const id = item.item_id;
  if (item.auto_close_text) {
    return (
      <Typography.Text type="success" data-testid={`fu-auto-${id}`}>
        {pickLang(item.auto_close_text.zh, item.auto_close_text.en, i18n.language)}
      </Typography.Text>
    );
  }
  const dirty = outcome !== (item.outcome ?? undefined) || note !== (item.note ?? '');
  const save = async () => {
    if (!outcome) return;
    setBusy(true);
    try {
      await followupApi.outcome(id, { outcome, note: note.trim() || null });
      void message.success(t('coll.fu.saved'));
      onSaved();
    } catch (err) {
      void message.error(errorMessage(err, i18n.language, t('common.requestFailed')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" size={4} style={{ width: '100%' }}>
      <Space.Compact style={{ width: '100%' }}>
        <Select<Outcome>
          data-testid={`fu-outcome-${id}`}
          aria-label={t('coll.fu.outcome')}
          placeholder={t('coll.fu.chooseOutcome')}
          disabled={!canWork}
          value={outcome}
          onChange={setOutcome}
          style={{ width: 120, flex: 'none' }}
          options={OUTCOMES.map((o) => ({ value: o, label: t(`coll.fu.outcomes.${o}`) }))}
        />
        <Input
          data-testid={`fu-note-${id}`}
          aria-label={t('coll.fu.note')}
          placeholder={t('coll.fu.note')}
          disabled={!canWork}
          value={note}
          maxLength={4000}
          onChange={(e) => setNote(e.target.value)}
          onPressEnter={() => void save()}
        />
        <Button
          type="primary"
          data-testid={`fu-save-${id}`}
          disabled={!canWork || !outcome || !dirty}
          loading={busy}
          onClick={() => void save()}
        >
          {t('coll.fu.save')}
        </Button>
      </Space.Compact>
      {item.outcome_at && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {item.outcome_by} · {formatDateTime(item.outcome_at)}
        </Typography.Text>
      )}
    </Space>
  );
}
