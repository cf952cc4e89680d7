import { DISCONNECT_REASONS, SUBSCRIBER_MOVES } from '../../datasets/columns.js';
import type { DatasetKey } from '../../datasets/types.js';
import { enumMatcher } from './values.js';

/**
 * Cross-field rules that need only the row itself. Set-based rules (references, duplicate keys,
 * package/product consistency, serialized items, stock never negative) belong to the batch pipeline.
 */
export type RuleContext = {
  /** DB-ready values of the columns that parsed (a column whose cell failed is absent). */
  values: Record<string, unknown>;
  /** Whether the file has this column at all. */
  hasColumn(key: string): boolean;
  /** Whether the column's cell parsed without error (absent columns count as parsed, value null). */
  parsed(key: string): boolean;
  error(key: string, zh: string, en: string): void;
  /** Replace a value (e.g. a disconnect reason given in Chinese → its English value). */
  set(key: string, value: unknown): void;
};

export type RowRule = (ctx: RuleContext) => void;

const subscriberRules: RowRule = (ctx) => {
  const { values } = ctx;
  if (!ctx.parsed('status') || !ctx.parsed('disconnect_date')) return;
  const disconnected = values.status === 'disconnected';
  const dd = values.disconnect_date;
  if (disconnected && dd == null) {
    if (!ctx.hasColumn('disconnect_date')) {
      ctx.error(
        'status',
        '用户状态为拆机，但文件没有「拆机日期」列',
        'status is disconnected but the file has no disconnect_date (拆机日期) column',
      );
    } else {
      ctx.error(
        'disconnect_date',
        '用户状态为拆机时必须填写拆机日期',
        'required when status is disconnected',
      );
    }
  } else if (!disconnected && dd != null) {
    ctx.error(
      'disconnect_date',
      '只有拆机用户才能填写拆机日期',
      'must be blank unless status is disconnected',
    );
  } else if (typeof dd === 'string' && ctx.parsed('install_date')) {
    const install = values.install_date;
    if (typeof install === 'string' && dd < install) {
      ctx.error(
        'disconnect_date',
        `拆机日期不能早于装机日期 ${install}`,
        `must not be before install_date ${install}`,
      );
    }
  }
};

const contractRules: RowRule = (ctx) => {
  if (!ctx.parsed('start_date') || !ctx.parsed('end_date')) return;
  const { start_date: start, end_date: end } = ctx.values;
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    ctx.error('end_date', `到期日期不能早于生效日期 ${start}`, `must not be before start_date ${start}`);
  }
};

const packageRules: RowRule = (ctx) => {
  if (!ctx.parsed('billing') || !ctx.parsed('term_months')) return;
  if (ctx.values.billing === 'prepaid' && ctx.values.term_months == null) {
    ctx.error('term_months', '预付包年套餐必须填写合约期', 'required when billing is prepaid');
  }
};

const stockMoveRules: RowRule = (ctx) => {
  if (!ctx.parsed('move_type') || !ctx.parsed('subscriber_id')) return;
  const type = ctx.values.move_type;
  if (typeof type === 'string' && SUBSCRIBER_MOVES.includes(type) && ctx.values.subscriber_id == null) {
    ctx.error('subscriber_id', `出入库类型为 ${type} 时必须填写用户编码`, `required for move_type ${type}`);
  }
};

const disconnectReason = enumMatcher(DISCONNECT_REASONS);
const REASONS_LISTED = DISCONNECT_REASONS.map((v) => `${v.zh}/${v.value}`).join('、');

const orderRules: RowRule = (ctx) => {
  if (!ctx.parsed('order_type') || !ctx.parsed('reason')) return;
  const reason = ctx.values.reason;
  if (ctx.values.order_type !== 'disconnect' || typeof reason !== 'string') return;
  const r = disconnectReason(reason);
  if (r.ok) ctx.set('reason', r.value);
  else {
    ctx.error(
      'reason',
      `拆机工单的原因必须是以下之一：${REASONS_LISTED}`,
      `a disconnect order's reason must be one of: ${REASONS_LISTED}`,
    );
  }
};

export const ROW_RULES: Partial<Record<DatasetKey, RowRule>> = {
  subscribers: subscriberRules,
  contracts: contractRules,
  packages: packageRules,
  stock_moves: stockMoveRules,
  orders: orderRules,
};
