/** Types shared by the plans module (pure functions, service, routes, CLI). */
export const PLAN_METRICS = ['revenue', 'new_installs', 'net_adds'] as const;
export type PlanMetric = (typeof PLAN_METRICS)[number];

export const isPlanMetric = (s: string): s is PlanMetric => (PLAN_METRICS as readonly string[]).includes(s);

/** A weight source that comes from data (one value per county). */
export type WeightSource = 'last_year' | 'households';

/** How the city annual is split to counties. Decimal weights/shares are strings or numbers ≥ 0. */
export type WeightsSpec =
  | { method: 'manual'; values: Record<string, string | number> }
  | { method: 'last_year' }
  | { method: 'households' }
  | { method: 'blend'; parts: Partial<Record<WeightSource, string | number>> };

/**
 * How each county's annual is split to months: equal, last year's city seasonality, 12 custom
 * percentages, or the city's 12 month values (same unit as the annual: fen for revenue).
 */
export type DistributionSpec =
  | { kind: 'equal' }
  | { kind: 'last_year' }
  | { kind: 'custom'; percents: (string | number)[] }
  | { kind: 'months'; values: number[] };

export type RevisionMode = 'all' | 'remaining';

export type CountyPlan = { county: string; annual: bigint; months: bigint[] };
