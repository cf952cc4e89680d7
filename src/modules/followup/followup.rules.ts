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

/** Where a county's new items go: each user with their open load, and the highest place reached. */
export type AssignmentSlots = { users: { username: string; load: number }[]; level: number };

/**
 * Hand new items to the county's users, each to whoever has the fewest open items at that moment (ties:
 * username order), so the daily load stays even. Handed out that way, the items fill each user's places
 * load, load + 1, … in (place, user) order: the k-th item goes to the user of the k-th place. `level` is
 * the highest place the `itemCount` items reach, so the database numbers only the places up to it
 * (followup.repository.ts insertFresh) and a county's list of any size is assigned without leaving it.
 * Null when there is nobody to assign to or nothing to assign.
 */
export function assignmentSlots(
  itemCount: number,
  users: readonly string[],
  openCounts: ReadonlyMap<string, number>,
): AssignmentSlots | null {
  if (users.length === 0 || itemCount <= 0) return null;
  const sorted = [...users].sort().map((username) => ({ username, load: openCounts.get(username) ?? 0 }));
  /** the places up to level l */
  const places = (l: number) => sorted.reduce((n, u) => n + Math.max(0, l - u.load + 1), 0);
  // the least loaded user alone has itemCount places up to lo + itemCount − 1
  let lo = Math.min(...sorted.map((u) => u.load));
  let hi = lo + itemCount - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (places(mid) >= itemCount) hi = mid;
    else lo = mid + 1;
  }
  return { users: sorted, level: lo };
}
