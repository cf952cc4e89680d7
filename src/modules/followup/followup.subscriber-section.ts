import { registerSubscriberSection } from '../subscribers/subscribers.service.js';

/**
 * The subscriber page's "follow-up items" section: every item of the subscriber, newest first, with
 * its outcome — so whoever calls a customer sees what the last call said. The subscriber has already
 * been checked against the actor's county scope by the subscriber page.
 */
registerSubscriberSection({
  key: 'followups',
  async load(db, _actor, { subscriberId }) {
    const rows = await db
      .selectFrom('followup_items')
      .select([
        'item_id',
        'list_date',
        'reason',
        'figures',
        'assignee',
        'status',
        'outcome',
        'note',
        'outcome_at',
        'closed_at',
        'auto_close',
      ])
      .where('subscriber_id', '=', subscriberId)
      .orderBy('list_date', 'desc')
      .orderBy('item_id', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => ({
      itemId: r.item_id,
      listDate: r.list_date,
      reason: r.reason,
      figures: r.figures,
      assignee: r.assignee,
      status: r.status,
      outcome: r.outcome,
      note: r.note,
      outcomeAt: r.outcome_at,
      closedAt: r.closed_at,
      autoClose: r.auto_close,
    }));
  },
});
