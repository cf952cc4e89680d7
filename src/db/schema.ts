import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely. Money is bigint fen read as a JS number (safe integers; see db/connect.ts
 * type parsers). Dates come back as 'YYYY-MM-DD' strings, timestamps as PostgreSQL text in Asia/Shanghai.
 */
type Int8 = ColumnType<number, number | bigint | string, number | bigint | string>;
type DateStr = ColumnType<string, string, string>;
type Ts = ColumnType<string, string | Date, string | Date>;
type GeneratedDate = ColumnType<string, never, never>;
type Json = ColumnType<unknown, string, string>;

export type ImportBatchTable = {
  batch_id: Generated<Int8>;
  dataset: string;
  file_name: string;
  file_hash: string;
  actor: string;
  status: 'running' | 'imported' | 'partial' | 'rejected' | 'undone';
  allow_partial: Generated<boolean>;
  started_at: Generated<Ts>;
  finished_at: Ts | null;
  duration_ms: number | null;
  rows_read: Generated<number>;
  rows_inserted: Generated<number>;
  rows_updated: Generated<number>;
  rows_unchanged: Generated<number>;
  rows_rejected: Generated<number>;
  unknown_columns: Generated<Json>;
  errors: Generated<Json>;
  undone_at: Ts | null;
  undone_by: string | null;
};

type Batch = { batch_id: Int8 | null };

export type CountyTable = Batch & {
  county_code: string;
  county_name: string;
  households: Int8 | null;
  population: Int8 | null;
};
export type OutletTable = Batch & { outlet_code: string; outlet_name: string; county_code: string };
export type ProductTable = Batch & {
  product_code: string;
  product_name: string;
  needs_terminal: boolean;
  needs_deposit: boolean;
};
export type PackageTable = Batch & {
  package_code: string;
  package_name: string;
  product_code: string;
  monthly_fee: Int8;
  billing: 'monthly' | 'prepaid' | 'usage';
  term_months: number | null;
};
export type WarehouseTable = Batch & {
  warehouse_code: string;
  warehouse_name: string;
  county_code: string | null;
};
export type ItemTable = Batch & {
  item_code: string;
  item_name: string;
  unit: string | null;
  serialized: boolean;
  product_code: string | null;
};
export type SubscriberStatus = 'normal' | 'single_stop' | 'dual_stop' | 'disconnected';
export type SubscriberTable = Batch & {
  subscriber_id: string;
  account_id: string;
  customer_name: string;
  id_number: string | null;
  phone: string | null;
  county_code: string;
  outlet_code: string | null;
  product_code: string;
  package_code: string;
  install_date: DateStr;
  status: SubscriberStatus;
  disconnect_date: DateStr | null;
  terminal_sn: string | null;
};
export type OrderType =
  'new_install' | 'disconnect' | 'single_stop' | 'dual_stop' | 'resume' | 'package_change';
export type OrderTable = Batch & {
  order_id: string;
  subscriber_id: string;
  order_type: OrderType;
  order_date: Ts;
  order_day: GeneratedDate;
  county_code: string | null;
  outlet_code: string | null;
  operator_id: string | null;
  reason: string | null;
};
export type ContractTable = Batch & {
  contract_id: string;
  subscriber_id: string;
  package_code: string;
  start_date: DateStr;
  end_date: DateStr;
};
export type BillTable = Batch & { subscriber_id: string; bill_month: DateStr; amount: Int8 };
export type Channel = 'cash' | 'bank' | 'online' | 'agent';
export type PaymentTable = Batch & {
  payment_id: string;
  subscriber_id: string;
  bill_month: DateStr | null;
  paid_at: Ts;
  paid_day: GeneratedDate;
  amount: Int8;
  channel: Channel;
  outlet_code: string | null;
  operator_id: string | null;
};
export type RefundTable = Batch & {
  refund_id: string;
  subscriber_id: string;
  refunded_at: Ts;
  refunded_day: GeneratedDate;
  amount: Int8;
  channel: Channel;
  reason: string | null;
  approver_id: string | null;
  outlet_code: string | null;
  operator_id: string | null;
};
export type AdjustmentTable = Batch & {
  adjustment_id: string;
  subscriber_id: string;
  bill_month: DateStr;
  adjusted_at: Ts;
  adjusted_day: GeneratedDate;
  amount: Int8;
  reason: string | null;
  approver_id: string | null;
};
export type CashDepositTable = Batch & {
  outlet_code: string;
  business_date: DateStr;
  slip_no: string;
  amount: Int8;
};
export type DepositTable = Batch & {
  deposit_id: string;
  subscriber_id: string;
  occurred_at: Ts;
  occurred_day: GeneratedDate;
  kind: 'collect' | 'refund';
  amount: Int8;
  terminal_sn: string | null;
};
export type MoveType =
  'purchase_in' | 'install_out' | 'recover_in' | 'swap_out' | 'transfer_out' | 'transfer_in' | 'scrap';
export type StockMoveTable = Batch & {
  move_id: string;
  moved_at: Ts;
  moved_day: GeneratedDate;
  warehouse_code: string;
  item_code: string;
  move_type: MoveType;
  quantity: number;
  terminal_sn: string | null;
  subscriber_id: string | null;
  order_id: string | null;
};

export type ImportRowVersionTable = {
  batch_id: Int8;
  dataset: string;
  row_key: string;
  previous: Json | null;
};
export type ImportRejectTable = { batch_id: Int8; row_no: number; raw: Json; errors: Json };
export type DerivedStaleTable = {
  family: string;
  period: DateStr;
  county_code: Generated<string>;
  marked_at: Generated<Ts>;
  /** the transaction that set the mark (xid8 as text) */
  marked_xid: Generated<string>;
};

/** Metrics aggregates (migration 202611291000, src/metrics/aggregates). */
export type MxBillStateTable = {
  bill_month: DateStr;
  county_code: string;
  product_code: string;
  valid_from: DateStr | null;
  valid_to: DateStr | null;
  due: number;
  collected: number;
  owed: number;
};
export type MxBillLastdayTable = { bill_month: DateStr; event_month: DateStr; last_day: DateStr };
export type MxRevenueTable = {
  bill_month: DateStr;
  adj_month: DateStr | null;
  county_code: string;
  product_code: string;
  amount: number;
};
export type MxOrdersDailyTable = {
  day: DateStr;
  order_type: string;
  county_code: string;
  product_code: string;
  n: number;
};
/** Bumped by every write to a reference table (migration 202611291203). */
export type ReferenceVersionTable = { id: Generated<boolean>; version: number };

export type MxTerminalRecoveryTable = {
  day: DateStr;
  county_code: string;
  product_code: string;
  orders: number;
  recovered: number;
};
export type MxOrdersMonthlyTable = {
  month: DateStr;
  order_type: string;
  county_code: string;
  product_code: string;
  n: number;
  days: number;
};
export type MxCashMonthlyTable = {
  month: DateStr;
  outlet_code: string;
  expected: number;
  banked: number;
  gap_days: number;
  days: number;
};
export type MxTerminalMonthlyTable = {
  month: DateStr;
  county_code: string;
  product_code: string;
  orders: number;
  recovered: number;
  days: number;
};
export type MxSubMonthTable = {
  month: DateStr;
  county_code: string;
  product_code: string;
  active_end: number;
  churned: number;
};
export type MxSubCohortTable = {
  county_code: string;
  product_code: string;
  install_month: DateStr;
  disconnect_month: DateStr | null;
  n: number;
};
export type MxZeroFeeTable = {
  month: DateStr;
  county_code: string;
  product_code: string;
  users: number;
  activated: number;
};
export type MxZeroFeeMonthTable = { month: DateStr };
export type MxCashDailyTable = { outlet_code: string; day: DateStr; expected: number; banked: number };

export type Role = 'admin' | 'city_staff' | 'county_manager' | 'auditor' | 'support_centre' | 'leader';
export type UserTable = {
  user_id: Generated<number>;
  username: string;
  display_name: Generated<string>;
  password_hash: string;
  role: Role;
  auditor_level: number | null;
  county_code: string | null;
  disabled: Generated<boolean>;
  must_change_password: Generated<boolean>;
  created_at: Generated<Ts>;
  updated_at: Generated<Ts>;
};
export type SessionTable = {
  session_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: Generated<Ts>;
  last_seen_at: Generated<Ts>;
  expires_at: Ts;
  ip: string | null;
  user_agent: string | null;
};
export type AuditLogTable = {
  audit_id: Generated<Int8>;
  at: Generated<Ts>;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  county_code: string | null;
  before: Json | null;
  after: Json | null;
  detail: Json | null;
  ip: string | null;
};
export type SettingTable = { key: string; value: Json; updated_at: Generated<Ts>; updated_by: string };

// Collections and follow-up (issue 7).
export type AdjustmentLimitTable = {
  limit_month: DateStr;
  county_code: string | null;
  limit_amount: Int8;
  updated_at: Generated<Ts>;
  updated_by: string;
};
export type ArrearsTargetTable = {
  target_year: number;
  county_code: string | null;
  baseline_date: DateStr;
  target_amount: Int8;
  updated_at: Generated<Ts>;
  updated_by: string;
};
export type FollowupReason = 'single_stop' | 'dual_stop' | 'zero_fee' | 'contract_ending' | 'arrears';
export type FollowupOutcome =
  'contacted' | 'promised' | 'paid' | 'renewed' | 'disconnected' | 'unreachable' | 'wrong_data';
export type FollowupItemTable = {
  item_id: Generated<number>;
  list_date: DateStr;
  subscriber_id: string;
  county_code: string;
  reason: FollowupReason;
  dedupe_key: string;
  figures: Json;
  assignee: string | null;
  status: Generated<'open' | 'closed'>;
  outcome: FollowupOutcome | null;
  note: string | null;
  outcome_at: Ts | null;
  outcome_by: string | null;
  closed_at: Ts | null;
  closed_by: string | null;
  auto_close: Json | null;
  created_at: Generated<Ts>;
};
export type CollectionBulletinTable = {
  bulletin_id: Generated<number>;
  period_kind: 'week' | 'month';
  period_key: string;
  period_from: DateStr;
  period_to: DateStr;
  content: Json;
  generated_at: Generated<Ts>;
  generated_by: string;
};
export type SchedulerRunTable = {
  run_id: Generated<number>;
  job: string;
  trigger: 'schedule' | 'manual';
  started_at: Generated<Ts>;
  finished_at: Ts | null;
  status: 'running' | 'ok' | 'failed';
  message: string | null;
};

/** Plans (migration 202611282300): product_code null = all products; m1..m12 sum to annual. */
// a bigserial id: Generated<Int8> would nest ColumnTypes and break comparisons with numbers
type PlanId = ColumnType<number, number | undefined, number>;
export type PlanVersionTable = {
  plan_id: PlanId;
  year: number;
  metric: 'revenue' | 'new_installs' | 'net_adds';
  product_code: string | null;
  version_no: number;
  status: 'draft' | 'published';
  annual: Int8;
  weights: Json;
  distribution: Json;
  revision_mode: Generated<'all' | 'remaining'>;
  from_month: Generated<number>;
  based_on: Int8 | null;
  note: string | null;
  created_by: string;
  created_at: Generated<Ts>;
  published_by: string | null;
  published_at: Ts | null;
};
export type PlanValueTable = {
  plan_id: Int8;
  county_code: string;
  annual: Int8;
  m1: Int8;
  m2: Int8;
  m3: Int8;
  m4: Int8;
  m5: Int8;
  m6: Int8;
  m7: Int8;
  m8: Int8;
  m9: Int8;
  m10: Int8;
  m11: Int8;
  m12: Int8;
};
export type PlanProvinceRankTable = {
  year: number;
  month: number;
  metric: string;
  rank: number;
  of_total: number | null;
  note: string | null;
  entered_by: string;
  entered_at: ColumnType<string, string | Date | undefined, string | Date>;
};
export type PlanReviewTable = {
  review_id: PlanId;
  year: number;
  month: number;
  metric: 'revenue' | 'new_installs' | 'net_adds';
  county_code: string;
  reason_category: string;
  reason_text: Generated<string>;
  created_by: string;
  created_at: Generated<Ts>;
};
export type PlanReviewActionTable = {
  action_id: PlanId;
  review_id: Int8;
  action: string;
  owner: string;
  due_date: DateStr;
  status: Generated<'open' | 'done' | 'dropped'>;
  follow_up: Generated<string>;
  updated_by: string | null;
  updated_at: ColumnType<string, string | Date | undefined, string | Date>;
};

export type DB = {
  import_batches: ImportBatchTable;
  counties: CountyTable;
  outlets: OutletTable;
  products: ProductTable;
  packages: PackageTable;
  warehouses: WarehouseTable;
  items: ItemTable;
  subscribers: SubscriberTable;
  orders: OrderTable;
  contracts: ContractTable;
  bills: BillTable;
  payments: PaymentTable;
  refunds: RefundTable;
  adjustments: AdjustmentTable;
  cash_deposits: CashDepositTable;
  deposits: DepositTable;
  stock_moves: StockMoveTable;
  import_row_versions: ImportRowVersionTable;
  import_rejects: ImportRejectTable;
  derived_stale: DerivedStaleTable;
  mx_bill_state: MxBillStateTable;
  mx_bill_lastday: MxBillLastdayTable;
  mx_revenue: MxRevenueTable;
  mx_orders_daily: MxOrdersDailyTable;
  mx_sub_cohort: MxSubCohortTable;
  mx_sub_month: MxSubMonthTable;
  mx_terminal_recovery: MxTerminalRecoveryTable;
  mx_orders_monthly: MxOrdersMonthlyTable;
  mx_cash_monthly: MxCashMonthlyTable;
  mx_terminal_monthly: MxTerminalMonthlyTable;
  reference_version: ReferenceVersionTable;
  mx_zero_fee: MxZeroFeeTable;
  mx_zero_fee_months: MxZeroFeeMonthTable;
  mx_cash_daily: MxCashDailyTable;
  users: UserTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
  plan_versions: PlanVersionTable;
  plan_values: PlanValueTable;
  plan_province_ranks: PlanProvinceRankTable;
  plan_reviews: PlanReviewTable;
  plan_review_actions: PlanReviewActionTable;
  adjustment_limits: AdjustmentLimitTable;
  arrears_targets: ArrearsTargetTable;
  followup_items: FollowupItemTable;
  collection_bulletins: CollectionBulletinTable;
  scheduler_runs: SchedulerRunTable;
};
