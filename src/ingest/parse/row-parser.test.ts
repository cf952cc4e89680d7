import { describe, expect, it, test } from 'vitest';
import { DATASETS } from '../../datasets/index.js';
import type { DatasetKey } from '../../datasets/types.js';
import type { Cell } from '../read/types.js';
import { createRowParser, type ParsedRow } from './row-parser.js';

/** Parse one row of a dataset given as { header: cell } (header = the column key unless written otherwise). */
function parseRow(dataset: DatasetKey, row: Record<string, Cell>, rowNo = 2): ParsedRow {
  const def = DATASETS[dataset];
  const header = Object.keys(row);
  const indexOf = new Map<string, number>();
  header.forEach((h, i) => {
    const col = def.columns.find((c) => c.key === h || c.aliases.includes(h));
    if (col) indexOf.set(col.key, i);
  });
  return createRowParser(def, { header, indexOf })(rowNo, Object.values(row));
}
const reasons = (r: ParsedRow) => r.errors.map((e) => `${e.column}: ${e.message_en}`);

const payment = {
  缴费流水号: 'P001',
  用户编码: 'S001',
  账期: '202606',
  缴费时间: '2026-06-30 9:05',
  缴费金额: '85.93',
  缴费渠道: '现金',
};

describe('a payments row', () => {
  it('becomes DB-ready values, with absent optional columns null', () => {
    const r = parseRow('payments', payment, 7);
    expect(r.errors).toEqual([]);
    expect(r.rowNo).toBe(7);
    expect(r.raw).toEqual(payment);
    expect(r.values).toEqual({
      payment_id: 'P001',
      subscriber_id: 'S001',
      bill_month: '2026-06-01',
      paid_at: '2026-06-30 09:05:00+08',
      amount: 8593,
      channel: 'cash',
      outlet_code: null,
      operator_id: null,
    });
  });

  it('reports each bad cell with the row, the header as written and both languages', () => {
    const r = parseRow('payments', { ...payment, 缴费金额: '12.345', 缴费渠道: '刷卡' }, 12);
    expect(r.values).toBeNull();
    expect(r.errors[0]).toEqual({
      row: 12,
      column: '缴费金额',
      value: '12.345',
      message_zh: '第 12 行「缴费金额」值 "12.345"：金额最多两位小数',
      message_en: 'Row 12, column "缴费金额", value "12.345": at most two decimal places',
    });
    expect(r.errors[1]?.column).toBe('缴费渠道');
    expect(r.errors).toHaveLength(2);
  });

  it('requires a value in every required column', () => {
    const r = parseRow('payments', { ...payment, 用户编码: '  ', 缴费金额: '' });
    expect(r.errors.map((e) => e.message_zh)).toEqual([
      '第 2 行「用户编码」值 "  "：必填，不能为空',
      '第 2 行「缴费金额」值 ""：必填，不能为空',
    ]);
  });

  it('takes a blank optional month as a prepayment (null)', () => {
    expect(parseRow('payments', { ...payment, 账期: '' }).values?.bill_month).toBeNull();
  });

  it('rejects a zero payment', () => {
    expect(reasons(parseRow('payments', { ...payment, 缴费金额: '0.00' }))).toEqual([
      '缴费金额: Row 2, column "缴费金额", value "0.00": must be greater than zero',
    ]);
  });
});

describe('products default their optional booleans to false', () => {
  test.each<[Record<string, Cell>, boolean, boolean]>([
    [{ product_code: 'FL', product_name: '普通电话' }, false, false],
    [{ product_code: 'BB', product_name: '宽带', 需要终端: '是', 收取押金: '' }, true, false],
    [{ product_code: 'BB', product_name: '宽带', needs_terminal: 'Y', needs_deposit: 'y' }, true, true],
  ])('%j', (row, terminal, deposit) => {
    const v = parseRow('products', row).values;
    expect(v?.needs_terminal).toBe(terminal);
    expect(v?.needs_deposit).toBe(deposit);
  });
});

const subscriber = {
  subscriber_id: 'S001',
  account_id: 'A001',
  customer_name: '张三',
  county_code: 'C01',
  product_code: 'BB',
  package_code: 'BB100',
  install_date: '2025-01-10',
  status: '正常',
  disconnect_date: '',
};

describe('subscribers: disconnect_date present iff status = disconnected', () => {
  test.each<[Record<string, Cell>, string[]]>([
    [{}, []],
    [{ status: '拆机', disconnect_date: '2026-06-01' }, []],
    [{ status: 'disconnected', disconnect_date: '2025-01-10' }, []],
    [
      { status: '拆机', disconnect_date: '' },
      ['disconnect_date: Row 2, column "disconnect_date", value "": required when status is disconnected'],
    ],
    [
      { status: '单停', disconnect_date: '2026-06-01' },
      [
        'disconnect_date: Row 2, column "disconnect_date", value "2026-06-01": must be blank unless status is disconnected',
      ],
    ],
    [
      { status: '拆机', disconnect_date: '2025-01-09' },
      [
        'disconnect_date: Row 2, column "disconnect_date", value "2025-01-09": must not be before install_date 2025-01-10',
      ],
    ],
    // a bad date is reported once, not again by the cross-field rule
    [
      { status: '拆机', disconnect_date: '2025-02-30' },
      [
        'disconnect_date: Row 2, column "disconnect_date", value "2025-02-30": not a valid date (e.g. 2026-06-30, 2026/6/30, 20260630)',
      ],
    ],
  ])('%j → %j', (change, expected) => {
    expect(reasons(parseRow('subscribers', { ...subscriber, ...change }))).toEqual(expected);
  });

  it('rejects a disconnected row in a file without the disconnect_date column', () => {
    const { disconnect_date: _omit, ...noColumn } = subscriber;
    expect(parseRow('subscribers', noColumn).errors).toEqual([]);
    const r = parseRow('subscribers', { ...noColumn, status: '拆机' }, 5);
    expect(r.errors).toEqual([
      {
        row: 5,
        column: 'status',
        value: '拆机',
        message_zh: '第 5 行「status」值 "拆机"：用户状态为拆机，但文件没有「拆机日期」列',
        message_en:
          'Row 5, column "status", value "拆机": status is disconnected but the file has no disconnect_date (拆机日期) column',
      },
    ]);
  });
});

describe('other row rules', () => {
  const contract = { contract_id: 'K1', subscriber_id: 'S1', package_code: 'BB1200', 生效日期: '2026-01-01' };
  test.each<[string, string[]]>([
    ['2026-12-31', []],
    ['2026-01-01', []],
    [
      '2025-12-31',
      ['到期日期: Row 2, column "到期日期", value "2025-12-31": must not be before start_date 2026-01-01'],
    ],
  ])('contracts end_date %s', (end, expected) => {
    expect(reasons(parseRow('contracts', { ...contract, 到期日期: end }))).toEqual(expected);
  });

  const pkg = { package_code: 'BB1200', package_name: '宽带包年', product_code: 'BB', monthly_fee: '100' };
  test.each<[Record<string, Cell>, string[]]>([
    [{ billing: '包月' }, []],
    [{ billing: 'prepaid', term_months: '12' }, []],
    [
      { billing: '预付包年', term_months: '' },
      ['term_months: Row 2, column "term_months", value "": required when billing is prepaid'],
    ],
    [{ billing: 'PREPAID' }, ['合约期: Row 2, column "合约期", value "": required when billing is prepaid']],
  ])('packages %j', (change, expected) => {
    expect(reasons(parseRow('packages', { ...pkg, ...change }))).toEqual(expected);
  });

  const move = {
    move_id: 'M1',
    moved_at: '2026-06-01 10:00',
    warehouse_code: 'W1',
    item_code: 'ONU',
    quantity: '1',
  };
  test.each<[string, string, string[]]>([
    ['purchase_in', '', []],
    ['transfer_out', '', []],
    ['install_out', 'S1', []],
    [
      '装机领用',
      '',
      ['subscriber_id: Row 2, column "subscriber_id", value "": required for move_type install_out'],
    ],
    [
      'recover_in',
      '',
      ['subscriber_id: Row 2, column "subscriber_id", value "": required for move_type recover_in'],
    ],
    [
      '保修更换出库',
      '',
      ['subscriber_id: Row 2, column "subscriber_id", value "": required for move_type swap_out'],
    ],
  ])('stock_moves %s with subscriber "%s"', (type, sub, expected) => {
    expect(reasons(parseRow('stock_moves', { ...move, move_type: type, subscriber_id: sub }))).toEqual(
      expected,
    );
  });

  const order = { order_id: 'O1', subscriber_id: 'S1', order_date: '2026-06-01 10:00' };
  test.each<[string, string, string | null]>([
    ['拆机', '欠费拆机', 'arrears'],
    ['disconnect', 'Voluntary', 'voluntary'],
    ['拆机', '移机', 'relocation'],
    ['拆机', '', null],
    ['改套餐', '客户要求降档', '客户要求降档'],
    ['新装', 'arrears', 'arrears'],
  ])('orders %s with reason "%s" → %s', (type, reason, stored) => {
    const r = parseRow('orders', { ...order, 工单类型: type, 原因: reason });
    expect(r.errors).toEqual([]);
    expect(r.values?.reason).toBe(stored);
  });

  it('rejects a disconnect reason that is not listed', () => {
    expect(reasons(parseRow('orders', { ...order, 工单类型: '拆机', 原因: '客户搬走' }))).toEqual([
      '原因: Row 2, column "原因", value "客户搬走": a disconnect order\'s reason must be one of: 主动拆机/voluntary、欠费拆机/arrears、虚假用户/fake_user、移机/relocation、其他/other',
    ]);
  });
});
