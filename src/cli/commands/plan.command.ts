import type { Command } from 'commander';
import { cliActor, failure, usageError, withDatabase, type CliContext } from '../context.js';
import { systemActor } from '../../server/rbac.js';
import { fenToYuanString, parseMoney } from '../../core/money.js';
import { isIsoDate } from '../../core/dates.js';
import { bilingual } from '../../core/errors.js';
import { createPlanService, type PlanDetail } from '../../modules/plans/plans.service.js';
import { createProgressService } from '../../modules/plans/progress.service.js';
import { parseDistribution, parseWeights, type Parsed } from '../../modules/plans/spec-parse.js';
import {
  isPlanMetric,
  PLAN_METRICS,
  type DistributionSpec,
  type PlanMetric,
  type RevisionMode,
} from '../../modules/plans/plan.types.js';

type KeyOpts = { year: string; metric: string; product?: string; json?: boolean };
type SetOpts = KeyOpts & {
  annual: string;
  weights: string;
  distribution?: string;
  months?: string;
  publish?: boolean;
  as?: string;
};

function parseKey(o: KeyOpts): { year: number; metric: PlanMetric; product: string | null } {
  if (!/^\d{4}$/.test(o.year)) throw usageError(`--year must be a year like 2026: ${o.year}`);
  if (!isPlanMetric(o.metric))
    throw usageError(`--metric must be one of ${PLAN_METRICS.join(', ')}: ${o.metric}`);
  const product = o.product === undefined || o.product === '' || o.product === 'all' ? null : o.product;
  return { year: Number(o.year), metric: o.metric, product };
}

const need = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw usageError(bilingual({ message_zh: p.zh, message_en: p.en }));
  return p.value;
};

/** An amount in the metric's CLI unit (yuan for revenue, units otherwise) → the stored unit (fen). */
function amount(metric: PlanMetric, text: string, what: string): number {
  const s = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw usageError(`${what} must be a number: ${text}`);
  if (metric === 'revenue') {
    const m = parseMoney(s);
    if (!m.ok) throw failure(`${what}: ${bilingual({ message_zh: m.zh, message_en: m.en })}`);
    return m.fen;
  }
  if (!/^-?\d+$/.test(s)) throw failure(`${what} 必须是整数 / ${what} must be a whole number: ${text}`);
  return Number(s);
}

function distributionOf(metric: PlanMetric, o: { distribution?: string; months?: string }): DistributionSpec {
  if (o.distribution !== undefined && o.months !== undefined)
    throw usageError('give either --distribution or --months, not both');
  if (o.months !== undefined) {
    const parts = o.months.split(',');
    if (parts.length !== 12) throw usageError(`--months needs 12 values, got ${parts.length}`);
    return { kind: 'months', values: parts.map((p, i) => amount(metric, p, `month ${i + 1}`)) };
  }
  return need(parseDistribution(o.distribution ?? 'equal'));
}

const showJson = (d: PlanDetail) => ({
  year: d.year,
  metric: d.metric,
  product: d.product,
  version: d.version,
  status: d.status,
  annual: d.annual,
  counties: d.counties.map((c) => ({ county: c.county, annual: c.annual, months: c.months })),
});

function printPlan(ctx: CliContext, d: PlanDetail, json: boolean | undefined): void {
  if (json) {
    ctx.io.out(JSON.stringify(showJson(d)) + '\n');
    return;
  }
  const fmt = (v: number) => (d.metric === 'revenue' ? fenToYuanString(v) : String(v));
  ctx.io.out(
    `${d.year} ${d.metric} ${d.product ?? 'all'} — version ${d.version} (${d.status}), annual ${fmt(d.annual)}${d.metric === 'revenue' ? ' yuan' : ''}\n`,
  );
  ctx.io.out(['county', 'annual', ...Array.from({ length: 12 }, (_, i) => `M${i + 1}`)].join('\t') + '\n');
  for (const c of d.counties) ctx.io.out([c.county, fmt(c.annual), ...c.months.map(fmt)].join('\t') + '\n');
}

const keyOptions = (c: Command) =>
  c
    .requiredOption('--year <year>', 'plan year')
    .requiredOption('--metric <metric>', PLAN_METRICS.join(' | '))
    .option('--product <code>', 'product line (default: all)')
    .option('--json', 'JSON output');

export function register(program: Command, ctx: CliContext): void {
  const plan = program
    .command('plan')
    .description('targets: split to counties and months, versions, schedule progress');

  keyOptions(plan.command('set'))
    .description('create a plan version from the city annual target')
    .requiredOption('--annual <n>', 'city annual target (yuan for revenue)')
    .requiredOption(
      '--weights <spec>',
      'manual:C01=3,C02=1 | last_year | households | blend:last_year=0.6,households=0.4',
    )
    .option('--distribution <spec>', 'equal | last_year | custom:p1,…,p12 (default equal)')
    .option('--months <v1,…,v12>', "the city's 12 month values (same unit as --annual)")
    .option('--publish', 'publish at once')
    .option('--as <user>', 'record the change as this user')
    .action(async (o: SetOpts) => {
      const key = parseKey(o);
      const input = {
        ...key,
        annual: amount(key.metric, o.annual, '--annual'),
        weights: need(parseWeights(o.weights)),
        distribution: distributionOf(key.metric, o),
      };
      await withDatabase(ctx, async (database) => {
        const d = await createPlanService({ db: database.db }).create(systemActor(cliActor(o.as)), {
          ...input,
          publish: o.publish ?? false,
        });
        printPlan(ctx, d, o.json);
      });
    });

  keyOptions(plan.command('revise'))
    .description('mid-year revision: a new version based on the latest one')
    .requiredOption('--annual <n>', 'new city annual target (yuan for revenue)')
    .requiredOption('--weights <spec>', 'as for plan set')
    .option('--distribution <spec>', 'equal | last_year | custom:p1,…,p12 (default equal)')
    .option('--months <v1,…,v12>', "the city's 12 month values")
    .option(
      '--remaining-from <month>',
      're-split only months from this one (1–12), keeping earlier months; default: re-split all',
    )
    .option('--publish', 'publish at once')
    .option('--as <user>', 'record the change as this user')
    .action(async (o: SetOpts & { remainingFrom?: string }) => {
      const key = parseKey(o);
      if (o.remainingFrom !== undefined && !/^(1[0-2]|[1-9])$/.test(o.remainingFrom))
        throw usageError('--remaining-from must be a month 1–12');
      const mode: RevisionMode = o.remainingFrom === undefined ? 'all' : 'remaining';
      const input = {
        annual: amount(key.metric, o.annual, '--annual'),
        weights: need(parseWeights(o.weights)),
        distribution: distributionOf(key.metric, o),
        mode,
        fromMonth: o.remainingFrom === undefined ? undefined : Number(o.remainingFrom),
        publish: o.publish ?? false,
      };
      await withDatabase(ctx, async (database) => {
        const svc = createPlanService({ db: database.db });
        const actor = systemActor(cliActor(o.as));
        const base = await svc.current(actor, key);
        printPlan(ctx, await svc.revise(actor, base.plan_id, input), o.json);
      });
    });

  keyOptions(plan.command('publish'))
    .description('publish the latest draft version')
    .option('--as <user>', 'record the change as this user')
    .action(async (o: KeyOpts & { as?: string }) => {
      const key = parseKey(o);
      await withDatabase(ctx, async (database) => {
        const svc = createPlanService({ db: database.db });
        const actor = systemActor(cliActor(o.as));
        const latest = await svc.current(actor, key);
        printPlan(ctx, await svc.publish(actor, latest.plan_id), o.json);
      });
    });

  keyOptions(plan.command('show'))
    .description('show the latest plan version (or --version N)')
    .option('--version <n>', 'a specific version number')
    .action(async (o: KeyOpts & { version?: string }) => {
      const key = parseKey(o);
      if (o.version !== undefined && !/^\d+$/.test(o.version)) throw usageError('--version must be a number');
      await withDatabase(ctx, async (database) => {
        const svc = createPlanService({ db: database.db });
        const actor = systemActor(cliActor(undefined));
        let d = await svc.current(actor, key);
        if (o.version !== undefined) {
          const v = (await svc.list(actor, key)).find((x) => x.version === Number(o.version));
          if (!v) throw failure(`未找到版本 ${o.version} / version ${o.version} not found`);
          d = await svc.detail(actor, v.plan_id);
        }
        printPlan(ctx, d, o.json);
      });
    });

  keyOptions(plan.command('progress'))
    .description('schedule progress per county at a date')
    .requiredOption('--at <date>', 'YYYY-MM-DD')
    .action(async (o: KeyOpts & { at: string }) => {
      const key = parseKey(o);
      if (!isIsoDate(o.at)) throw usageError(`--at must be a date YYYY-MM-DD: ${o.at}`);
      await withDatabase(ctx, async (database) => {
        const p = await createProgressService({ db: database.db }).progress(
          systemActor(cliActor(undefined)),
          { ...key, at: o.at },
        );
        const rows = p.rows.map((r) => ({
          county: r.county,
          annual: r.annual,
          plan_to_date: r.plan_to_date,
          actual_ytd: r.actual_ytd,
          gap_to_schedule: r.gap_to_schedule,
          completion_rate: r.completion_rate,
          time_progress: r.time_progress,
          schedule_attainment: r.schedule_attainment,
          rank: r.rank,
        }));
        if (o.json) {
          ctx.io.out(
            JSON.stringify({
              year: p.year,
              metric: p.metric,
              product: p.product,
              at: p.at,
              date_used: p.date_used,
              rows,
            }) + '\n',
          );
          return;
        }
        const fmt = (v: number) => (key.metric === 'revenue' ? fenToYuanString(v) : String(v));
        const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
        ctx.io.out(
          `${p.year} ${p.metric} ${p.product ?? 'all'} at ${p.at} (figures at ${p.date_used}; plan version ${p.plan.version} ${p.plan.status})\n`,
        );
        ctx.io.out(
          [
            'rank',
            'county',
            'annual',
            'plan_to_date',
            'actual_ytd',
            'gap',
            'completion',
            'time',
            'attainment',
            'light',
          ].join('\t') + '\n',
        );
        for (const r of [...p.rows].sort((a, b) => a.rank - b.rank)) {
          ctx.io.out(
            [
              r.rank,
              r.county,
              fmt(r.annual),
              fmt(r.plan_to_date),
              fmt(r.actual_ytd),
              fmt(r.gap_to_schedule),
              pct(r.completion_rate.value),
              pct(r.time_progress.value),
              pct(r.schedule_attainment.value),
              r.light ?? '—',
            ].join('\t') + '\n',
          );
        }
      });
    });
}
