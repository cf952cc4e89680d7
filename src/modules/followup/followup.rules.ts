import type { FollowupOutcome, FollowupReason } from '../../db/schema.js';
import { fenToYuanString } from '../../core/money.js';

export const REASONS: readonly FollowupReason[] = [
  'single_stop',
  'dual_stop',
  'zero_fee',
  'contract_ending',
  'arrears',
];
export const OUTCOMES: readonly FollowupOutcome[] = [
  'contacted',
  'promised',
  'paid',
  'renewed',
  'disconnected',
  'unreachable',
  'wrong_data',
];

export const REASON_LABELS: Record<FollowupReason, { zh: string; en: string }> = {
  single_stop: { zh: '新增单停', en: 'New single stop' },
  dual_stop: { zh: '新增双停', en: 'New dual stop' },
  zero_fee: { zh: '零费用用户', en: 'Zero-fee user' },
  contract_ending: { zh: '合约即将到期未续', en: 'Contract ending, not renewed' },
  arrears: { zh: '欠费超阈值', en: 'Arrears above threshold' },
};

export const OUTCOME_LABELS: Record<FollowupOutcome, { zh: string; en: string }> = {
  contacted: { zh: '已联系', en: 'Contacted' },
  promised: { zh: '承诺缴费', en: 'Promised to pay' },
  paid: { zh: '已缴费', en: 'Paid' },
  renewed: { zh: '已续费', en: 'Renewed' },
  disconnected: { zh: '已拆机', en: 'Disconnected' },
  unreachable: { zh: '联系不上', en: 'Unreachable' },
  wrong_data: { zh: '资料有误', en: 'Wrong data' },
};

/** Outcomes that count as a success (the subscriber was kept or the money came in). */
export const SUCCESS_OUTCOMES: readonly FollowupOutcome[] = ['paid', 'renewed'];

/** An outcome as typed in a spreadsheet: the English value or the Chinese label, any case/spacing. */
export function parseOutcome(input: string): FollowupOutcome | null {
  const s = input.trim().toLowerCase();
  for (const o of OUTCOMES) {
    if (s === o || s === OUTCOME_LABELS[o].zh || s === OUTCOME_LABELS[o].en.toLowerCase()) return o;
  }
  return null;
}

/** What imported data showed when it closed an item, kept as JSON on the item. */
export type AutoClose =
  | { kind: 'payment'; batch_id: number; paid: number; owed_after: number }
  | { kind: 'resume'; batch_id: number; order_id: string; order_day: string }
  | { kind: 'disconnect'; batch_id: number; order_id: string | null; day: string | null }
  | { kind: 'renewal'; batch_id: number; contract_id: string; start_date: string; end_date: string }
  | { kind: 'activated'; batch_id: number; bill_month: string; amount: number };

/** The sentence shown on an item closed by imported data. */
export function autoCloseText(a: AutoClose): { zh: string; en: string } {
  switch (a.kind) {
    case 'payment':
      return {
        zh: `导入数据显示已缴费 ${fenToYuanString(a.paid)} 元，剩余欠费 ${fenToYuanString(a.owed_after)} 元，自动关闭`,
        en: `Imported data shows a payment of ¥${fenToYuanString(a.paid)}; ¥${fenToYuanString(a.owed_after)} still owed; closed automatically`,
      };
    case 'resume':
      return {
        zh: `导入数据显示已于 ${a.order_day} 复机（工单 ${a.order_id}），自动关闭`,
        en: `Imported data shows the line resumed on ${a.order_day} (order ${a.order_id}); closed automatically`,
      };
    case 'disconnect':
      return {
        zh: `导入数据显示已拆机${a.day ? `（${a.day}）` : ''}，自动关闭`,
        en: `Imported data shows the subscriber disconnected${a.day ? ` on ${a.day}` : ''}; closed automatically`,
      };
    case 'renewal':
      return {
        zh: `导入数据显示已续约（合约 ${a.contract_id}，${a.start_date} 至 ${a.end_date}），自动关闭`,
        en: `Imported data shows a renewal (contract ${a.contract_id}, ${a.start_date} to ${a.end_date}); closed automatically`,
      };
    case 'activated':
      return {
        zh: `导入数据显示 ${a.bill_month.slice(0, 7)} 账单产生费用 ${fenToYuanString(a.amount)} 元，自动关闭`,
        en: `Imported data shows a bill of ¥${fenToYuanString(a.amount)} for ${a.bill_month.slice(0, 7)}; closed automatically`,
      };
  }
}

/**
 * Hand new items to the county's users, each to whoever has the fewest open items at that moment
 * (ties: username order), so the daily load stays even. Returns the assignee per item in order.
 */
export function assignBalanced(
  itemCount: number,
  users: readonly string[],
  openCounts: ReadonlyMap<string, number>,
): (string | null)[] {
  if (users.length === 0) return Array.from({ length: itemCount }, () => null);
  const load = new Map(users.map((u) => [u, openCounts.get(u) ?? 0]));
  const sorted = [...users].sort();
  const out: string[] = [];
  for (let i = 0; i < itemCount; i++) {
    let best = sorted[0] as string;
    for (const u of sorted) if ((load.get(u) ?? 0) < (load.get(best) ?? 0)) best = u;
    out.push(best);
    load.set(best, (load.get(best) ?? 0) + 1);
  }
  return out;
}
