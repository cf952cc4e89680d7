/**
 * The demo city's reference data and the behaviour ("discipline") of each county. Counties differ
 * in size (largest ≈ 5× smallest) and in how well they follow the rules, so every metric and every
 * audit rule has something to find.
 */
export type Discipline = {
  /** Share of subscribers who usually pay one or two months late. */
  latePayShare: number;
  /** Monthly probability that a paying subscriber stops paying. */
  defaultHazard: number;
  /** Share of defaulters who later pay everything and are resumed. */
  repayShare: number;
  /** Share of never-paying defaulters that the county disconnects for arrears. */
  arrearsDisconnectShare: number;
  /** Monthly probability of a voluntary disconnection. */
  churnHazard: number;
  unbankedDayRate: number;
  shortBankRate: number;
  depositMissRate: number;
  /** Share of terminal disconnections with any recover_in. */
  recoverRate: number;
  /** Of those recovered, the share recovered after the +30-day window. */
  lateRecoverShare: number;
  /** Share of warranty swaps that use a new unit although recycled units are in stock. */
  newUnitSwapShare: number;
  missingInstallOutRate: number;
  /** Adjustments per bill and their size multiplier. */
  adjustmentRate: number;
  adjustmentScale: number;
  refundNoApproverShare: number;
  fakeInstallShare: number;
  renewShare: number;
};

const base: Discipline = {
  latePayShare: 0.015,
  defaultHazard: 0.0008,
  repayShare: 0.5,
  arrearsDisconnectShare: 0.8,
  churnHazard: 0.006,
  unbankedDayRate: 0.004,
  shortBankRate: 0.004,
  depositMissRate: 0.02,
  recoverRate: 0.92,
  lateRecoverShare: 0.05,
  newUnitSwapShare: 0.03,
  missingInstallOutRate: 0.005,
  adjustmentRate: 0.004,
  adjustmentScale: 1,
  refundNoApproverShare: 0.06,
  fakeInstallShare: 0,
  renewShare: 0.8,
};

export type County = {
  code: string;
  name: string;
  households: number;
  population: number;
  /** Share of subscribers (relative). */
  weight: number;
  outlets: number;
  discipline: Discipline;
};

const county = (
  code: string,
  name: string,
  weight: number,
  outlets: number,
  d: Partial<Discipline> = {},
): County => ({
  code,
  name,
  households: weight * 9_137,
  population: weight * 25_811,
  weight,
  outlets,
  discipline: { ...base, ...d },
});

export const COUNTIES: readonly County[] = [
  county('C01', '城东区', 20, 6),
  county('C02', '城西区', 17, 5, { latePayShare: 0.05 }),
  county('C03', '城南区', 15, 5, { latePayShare: 0.15, defaultHazard: 0.004, repayShare: 0.3 }),
  county('C04', '城北区', 12, 4),
  county('C05', '高新区', 10, 4, { adjustmentRate: 0.03, adjustmentScale: 3, refundNoApproverShare: 0.3 }),
  county('C06', '临江县', 8, 3, { unbankedDayRate: 0.06, shortBankRate: 0.05, latePayShare: 0.08 }),
  county('C07', '青山县', 7, 3, { depositMissRate: 0.35, recoverRate: 0.35, lateRecoverShare: 0.3 }),
  county('C08', '白河县', 5, 2, { newUnitSwapShare: 0.7, missingInstallOutRate: 0.06 }),
  county('C09', '石门县', 4.5, 2, { defaultHazard: 0.005, arrearsDisconnectShare: 0.05, repayShare: 0.2 }),
  county('C10', '云岭县', 4, 2, { fakeInstallShare: 0.08, renewShare: 0.55, churnHazard: 0.012 }),
];

const STREETS = ['人民路', '解放路', '中山路', '建设路', '文化路', '新华路', '长江路', '和平路'];

export type Outlet = { code: string; name: string; county: number; operators: number };

export const OUTLETS: readonly Outlet[] = COUNTIES.flatMap((c, ci) =>
  Array.from({ length: c.outlets }, (_, j) => ({
    code: `O${c.code.slice(1)}${String(j + 1).padStart(2, '0')}`,
    name: `${c.name}${STREETS[j % STREETS.length] ?? ''}营业厅`,
    county: ci,
    operators: 3 + (j % 3),
  })),
);

/** Outlet indexes per county. */
export const OUTLETS_OF: readonly number[][] = COUNTIES.map((_, ci) =>
  OUTLETS.flatMap((o, oi) => (o.county === ci ? [oi] : [])),
);

export type Item = {
  code: string;
  name: string;
  unit: string;
  serialized: boolean;
  product: string | null;
  snPrefix: string;
};

export const ITEMS: readonly Item[] = [
  { code: 'ONT01', name: '光猫(GPON ONT)', unit: '台', serialized: true, product: 'BB', snPrefix: 'ZTEG' },
  { code: 'RTR01', name: '专线路由器', unit: '台', serialized: true, product: 'BL', snPrefix: 'HWAR' },
  { code: 'PHN01', name: '公话话机', unit: '部', serialized: true, product: 'PP', snPrefix: 'GHJ' },
  { code: 'PHN02', name: '话吧话机', unit: '部', serialized: true, product: 'PB', snPrefix: 'HBJ' },
  { code: 'STB01', name: 'IPTV机顶盒', unit: '台', serialized: true, product: 'TV', snPrefix: 'STB' },
  { code: 'CBL01', name: '皮线光缆', unit: '米', serialized: false, product: null, snPrefix: '' },
];
export const CABLE_ITEM = 5;

export type Product = {
  code: string;
  name: string;
  needsTerminal: boolean;
  needsDeposit: boolean;
  weight: number;
  depositFen: number;
  /** Index into ITEMS of its terminal, or -1. */
  item: number;
  /** Metres of drop cable per installation (0: none). */
  cable: [number, number];
};

export const PRODUCTS: readonly Product[] = [
  {
    code: 'BB',
    name: '宽带',
    needsTerminal: true,
    needsDeposit: true,
    weight: 30,
    depositFen: 10_000,
    item: 0,
    cable: [30, 150],
  },
  {
    code: 'BL',
    name: '宽带专线',
    needsTerminal: true,
    needsDeposit: false,
    weight: 3,
    depositFen: 0,
    item: 1,
    cable: [50, 300],
  },
  {
    code: 'PP',
    name: '有人值守公话',
    needsTerminal: true,
    needsDeposit: true,
    weight: 4,
    depositFen: 30_000,
    item: 2,
    cable: [20, 80],
  },
  {
    code: 'PB',
    name: '话吧',
    needsTerminal: true,
    needsDeposit: true,
    weight: 5,
    depositFen: 50_000,
    item: 3,
    cable: [20, 80],
  },
  {
    code: 'FL',
    name: '普通电话',
    needsTerminal: false,
    needsDeposit: false,
    weight: 11,
    depositFen: 0,
    item: -1,
    cable: [20, 60],
  },
  {
    code: 'MB',
    name: '移动',
    needsTerminal: false,
    needsDeposit: false,
    weight: 34,
    depositFen: 0,
    item: -1,
    cable: [0, 0],
  },
  {
    code: 'TV',
    name: 'IPTV',
    needsTerminal: true,
    needsDeposit: false,
    weight: 13,
    depositFen: 0,
    item: 4,
    cable: [0, 0],
  },
];

export type Billing = 'monthly' | 'prepaid' | 'usage';

export type Package = {
  code: string;
  name: string;
  product: number;
  feeFen: number;
  billing: Billing;
  termMonths: number | null;
  weight: number;
  /** Monthly: chance and maximum (fen) of extra usage. Usage: the usage range when active. */
  extra: [number, number, number];
};

const pkg = (
  code: string,
  name: string,
  product: string,
  feeYuan: number,
  billing: Billing,
  weight: number,
  extra: [number, number, number] = [0, 0, 0],
): Package => ({
  code,
  name,
  product: PRODUCTS.findIndex((p) => p.code === product),
  feeFen: feeYuan * 100,
  billing,
  termMonths: billing === 'prepaid' ? 12 : null,
  weight,
  extra,
});

export const PACKAGES: readonly Package[] = [
  pkg('BB100M', '宽带100M包月', 'BB', 59, 'monthly', 35),
  pkg('BB300M', '宽带300M包月', 'BB', 99, 'monthly', 25),
  pkg('BB1000M', '宽带千兆包月', 'BB', 149, 'monthly', 10),
  pkg('BBY100', '宽带100M包年', 'BB', 50, 'prepaid', 18),
  pkg('BBY300', '宽带300M包年', 'BB', 83, 'prepaid', 12),
  pkg('BL20M', '宽带专线20M', 'BL', 800, 'monthly', 70),
  pkg('BL100M', '宽带专线100M', 'BL', 2000, 'monthly', 30),
  pkg('PPSTD', '有人值守公话计量', 'PP', 30, 'usage', 100, [1, 2_000, 30_000]),
  pkg('PBSTD', '话吧计量', 'PB', 50, 'usage', 100, [1, 5_000, 60_000]),
  pkg('FLM20', '普通电话月租20元', 'FL', 20, 'monthly', 55, [0.5, 50, 1_500]),
  pkg('FLUSE', '普通电话计量', 'FL', 0, 'usage', 45, [1, 100, 4_000]),
  pkg('MB19', '移动19元套餐', 'MB', 19, 'monthly', 30, [0.4, 100, 5_000]),
  pkg('MB59', '移动59元套餐', 'MB', 59, 'monthly', 35, [0.4, 100, 5_000]),
  pkg('MB129', '移动129元套餐', 'MB', 129, 'monthly', 15, [0.3, 100, 8_000]),
  pkg('MB0', '移动保号套餐', 'MB', 0, 'usage', 20, [1, 100, 6_000]),
  pkg('TVM', 'IPTV包月', 'TV', 20, 'monthly', 60),
  pkg('TVY', 'IPTV包年', 'TV', 16, 'prepaid', 40),
];

/** Package indexes per product. */
export const PACKAGES_OF: readonly number[][] = PRODUCTS.map((_, pi) =>
  PACKAGES.flatMap((p, i) => (p.product === pi ? [i] : [])),
);

/** The city warehouse is index 0 (blank county); county ci has warehouse ci + 1. */
export const WAREHOUSES = [
  { code: 'WH00', name: '市公司中心仓库', county: null as string | null },
  ...COUNTIES.map((c, ci) => ({
    code: `WH${String(ci + 1).padStart(2, '0')}`,
    name: `${c.name}分仓`,
    county: c.code,
  })),
];

export const DISCONNECT_REASONS = ['voluntary', 'arrears', 'fake_user', 'relocation', 'other'] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];
