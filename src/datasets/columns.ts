import type { ColumnDef, ColumnType, DatasetKey, EnumValue } from './types.js';

/**
 * Every alias of every column key, across all datasets. The contract says an alias belongs to its key in
 * every dataset, so a payments file headed 应收金额 still fills `amount`: the union lives here, once.
 * The first alias is the default Chinese label; a dataset may pick a more specific one (退费金额).
 */
export const ALIASES = {
  county_code: ['县区编码', '区县编码'],
  county_name: ['县区名称', '区县名称', '县区'],
  households: ['户数', '家庭户数'],
  population: ['人口'],
  outlet_code: ['营业厅编码', '网点编码'],
  outlet_name: ['营业厅名称', '网点名称'],
  product_code: ['业务编码', '产品编码'],
  product_name: ['业务名称', '产品名称'],
  needs_terminal: ['需要终端'],
  needs_deposit: ['收取押金'],
  package_code: ['套餐编码'],
  package_name: ['套餐名称'],
  monthly_fee: ['月费'],
  billing: ['计费方式'],
  term_months: ['合约期'],
  warehouse_code: ['仓库编码'],
  warehouse_name: ['仓库名称'],
  item_code: ['物料编码'],
  item_name: ['物料名称'],
  unit: ['单位'],
  serialized: ['串号管理'],
  subscriber_id: ['用户编码', '用户ID', '用户号'],
  account_id: ['账户编码', '合同号'],
  customer_name: ['客户名称', '用户名称'],
  id_number: ['证件号码'],
  phone: ['联系电话'],
  install_date: ['装机日期', '开户日期'],
  status: ['用户状态'],
  disconnect_date: ['拆机日期'],
  terminal_sn: ['终端串号'],
  order_id: ['工单号'],
  order_type: ['工单类型'],
  order_date: ['完工日期', '竣工日期'],
  operator_id: ['受理员工', '操作员'],
  reason: ['原因', '退费原因', '调帐原因'],
  contract_id: ['合约编号'],
  start_date: ['生效日期'],
  end_date: ['到期日期'],
  bill_month: ['账期'],
  amount: ['应收金额', '缴费金额', '退费金额', '调帐金额', '解款金额', '押金金额'],
  payment_id: ['缴费流水号'],
  paid_at: ['缴费时间'],
  channel: ['缴费渠道', '退费渠道'],
  refund_id: ['退费流水号'],
  refunded_at: ['退费时间'],
  approver_id: ['审批人'],
  adjustment_id: ['调帐流水号'],
  adjusted_at: ['调帐时间'],
  business_date: ['营业日期'],
  slip_no: ['解款单号'],
  deposit_id: ['押金流水号'],
  occurred_at: ['发生时间'],
  kind: ['押金类型'],
  move_id: ['单据号', '出入库单号'],
  moved_at: ['出入库时间'],
  move_type: ['出入库类型', '类型'],
  quantity: ['数量'],
} as const satisfies Record<string, readonly string[]>;

export type ColumnKey = keyof typeof ALIASES;

type ColumnOptions = {
  /** Chinese label for this dataset when it is not the key's first alias. */
  zh?: string;
  opt?: boolean;
  personal?: boolean;
  values?: readonly EnumValue[];
  min?: 'ge0' | 'gt0';
  ref?: DatasetKey;
  default?: boolean;
};

/** Build a column: required unless `opt`, aliases from the shared registry with this dataset's label first. */
export function col(key: ColumnKey, type: ColumnType, o: ColumnOptions = {}): ColumnDef {
  const all: readonly string[] = ALIASES[key];
  const zh = o.zh ?? all[0] ?? key;
  const def: ColumnDef = {
    key,
    zh,
    aliases: [zh, ...all.filter((a) => a !== zh)],
    type,
    required: !o.opt,
  };
  if (o.personal) def.personal = true;
  if (o.values) def.values = o.values;
  if (o.min) def.min = o.min;
  if (o.ref) def.ref = o.ref;
  if (o.default !== undefined) def.default = o.default;
  return def;
}

const ev = (pairs: readonly (readonly [string, string])[]): readonly EnumValue[] =>
  pairs.map(([value, zh]) => ({ value, zh }));

export const BILLING = ev([
  ['monthly', '包月'],
  ['prepaid', '预付包年'],
  ['usage', '计量'],
]);
export const SUBSCRIBER_STATUS = ev([
  ['normal', '正常'],
  ['single_stop', '单停'],
  ['dual_stop', '双停'],
  ['disconnected', '拆机'],
]);
export const ORDER_TYPES = ev([
  ['new_install', '新装'],
  ['disconnect', '拆机'],
  ['single_stop', '单停'],
  ['dual_stop', '双停'],
  ['resume', '复机'],
  ['package_change', '改套餐'],
]);
/** `orders.reason` of a disconnect order must be one of these; other order types keep free text. */
export const DISCONNECT_REASONS = ev([
  ['voluntary', '主动拆机'],
  ['arrears', '欠费拆机'],
  ['fake_user', '虚假用户'],
  ['relocation', '移机'],
  ['other', '其他'],
]);
export const CHANNELS = ev([
  ['cash', '现金'],
  ['bank', '银行'],
  ['online', '网上'],
  ['agent', '代收'],
]);
export const DEPOSIT_KINDS = ev([
  ['collect', '收取'],
  ['refund', '退还'],
]);
export const MOVE_TYPES = ev([
  ['purchase_in', '采购入库'],
  ['install_out', '装机领用'],
  ['recover_in', '回收入库'],
  ['swap_out', '保修更换出库'],
  ['transfer_out', '调拨出库'],
  ['transfer_in', '调拨入库'],
  ['scrap', '报废'],
]);
/** Moves that hand a terminal to or take it from a subscriber: subscriber_id is required. */
export const SUBSCRIBER_MOVES: readonly string[] = ['install_out', 'recover_in', 'swap_out'];
