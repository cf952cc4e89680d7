/**
 * The state of every subscriber as typed arrays (~50 bytes each), the only thing the generator keeps
 * per subscriber: rows are written as they are produced, the master is written from this at the end.
 */
export const NONE = -1;
/** Month index "not set" for the Int16 month fields. */
export const NO_MONTH = -30_000;

export const Status = { normal: 0, single_stop: 1, dual_stop: 2, disconnected: 3 } as const;
export const STATUS_NAMES = ['normal', 'single_stop', 'dual_stop', 'disconnected'] as const;

export const PayClass = { good: 0, late: 1, fake: 3 } as const;

export const Flag = { dormant: 1, missingZeroBill: 2, deposit: 4 } as const;

export class SubscriberTable {
  readonly county: Uint8Array;
  readonly outlet: Uint16Array;
  readonly product: Uint8Array;
  readonly pkg: Uint8Array;
  readonly install: Int32Array;
  readonly disc: Int32Array;
  /** Planned disconnection day and its reason index (DISCONNECT_REASONS). */
  readonly discPlan: Int32Array;
  readonly discReason: Uint8Array;
  readonly status: Uint8Array;
  /** Terminal serial: ≥ 0 a unit numbered by the stock keeper, < −1 a legacy unit −(i+2) installed before the window, NONE (−1). */
  readonly sn: Int32Array;
  readonly payClass: Uint8Array;
  /** First unpaid bill month of a defaulter, the month they pay everything back, that day. */
  readonly defaultK: Int16Array;
  readonly repayK: Int16Array;
  readonly repayDay: Int32Array;
  readonly arrearsDiscK: Int16Array;
  readonly flags: Uint8Array;
  /** Start month of the current and previous prepaid term, end day of the current one. */
  readonly ctStart: Int16Array;
  readonly ctPrev: Int16Array;
  readonly ctEnd: Int32Array;

  constructor(readonly size: number) {
    this.county = new Uint8Array(size);
    this.outlet = new Uint16Array(size);
    this.product = new Uint8Array(size);
    this.pkg = new Uint8Array(size);
    this.install = new Int32Array(size);
    this.disc = new Int32Array(size).fill(NONE);
    this.discPlan = new Int32Array(size).fill(NONE);
    this.discReason = new Uint8Array(size);
    this.status = new Uint8Array(size);
    this.sn = new Int32Array(size).fill(NONE);
    this.payClass = new Uint8Array(size);
    this.defaultK = new Int16Array(size).fill(NO_MONTH);
    this.repayK = new Int16Array(size).fill(NO_MONTH);
    this.repayDay = new Int32Array(size).fill(NONE);
    this.arrearsDiscK = new Int16Array(size).fill(NO_MONTH);
    this.flags = new Uint8Array(size);
    this.ctStart = new Int16Array(size).fill(NO_MONTH);
    this.ctPrev = new Int16Array(size).fill(NO_MONTH);
    this.ctEnd = new Int32Array(size).fill(NONE);
  }
}

/** Subscriber ids look like the BSS's numeric user codes. */
export const subscriberId = (i: number): string => String(1_000_000_001 + i);
export const accountId = (i: number): string => `6${String(i + 1).padStart(9, '0')}`;
