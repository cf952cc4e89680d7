import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../server/app.js';
import type { Actor } from '../../server/rbac.js';
import { ValidationError } from '../../core/errors.js';
import { createPlanService } from './plans.service.js';
import { createProgressService } from './progress.service.js';
import { createReviewService, REASON_CATEGORIES } from './reviews.service.js';
import { createPlanImportService } from './plans-import.service.js';
import { reviewToHtml, reviewToXlsx } from './plans-xlsx.js';
import { PLAN_METRICS } from './plan.types.js';

const actorOf = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new Error('no actor past the auth hook');
  return req.actor;
};

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Metric = z.enum(PLAN_METRICS);
const Year = z.coerce.number().int().min(1900).max(2999);
/** product in a query: absent, '' or 'all' = all product lines (null) */
const Product = z
  .string()
  .optional()
  .transform((p) => (p === undefined || p === '' || p === 'all' ? null : p));
const Decimal = z.union([z.string(), z.number()]);
const Weights = z.discriminatedUnion('method', [
  z.object({ method: z.literal('manual'), values: z.record(z.string(), Decimal) }),
  z.object({ method: z.literal('last_year') }),
  z.object({ method: z.literal('households') }),
  z.object({
    method: z.literal('blend'),
    parts: z.object({ last_year: Decimal.optional(), households: Decimal.optional() }),
  }),
]);
const Distribution = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('equal') }),
  z.object({ kind: z.literal('last_year') }),
  z.object({ kind: z.literal('custom'), percents: z.array(Decimal) }),
  z.object({ kind: z.literal('months'), values: z.array(z.number().int()) }),
]);
/** annual and month values in the stored unit: fen for revenue */
const PlanBody = z.object({
  year: z.number().int().min(1900).max(2999),
  metric: Metric,
  product: z.string().nullable().default(null),
  annual: z.number().int(),
  weights: Weights,
  distribution: Distribution.default({ kind: 'equal' }),
  note: z.string().nullable().optional(),
});
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const KeyQuery = z.object({ year: Year, metric: Metric, product: Product });
const ProgressQuery = KeyQuery.extend({ at: z.string(), county: z.string().optional() });
const MonthQuery = z.object({
  year: Year,
  month: z.coerce.number().int().min(1).max(12),
  metric: Metric.optional(),
  county: z.string().optional(),
});

/** Plans: versions, what-if, progress, forecast, province rank, monthly review, xlsx template. */
export const plansRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const db = deps.database.db;
    const plans = createPlanService({ db });
    const progress = createProgressService({ db });
    const reviews = createReviewService({ db });
    const imports = createPlanImportService({ db });
    const r = app.withTypeProvider<ZodTypeProvider>();
    const read = { permission: 'plans:read' as const };
    const write = { permission: 'plans:write' as const };

    r.get(
      '/api/plans',
      {
        config: read,
        schema: { querystring: z.object({ year: Year.optional(), metric: Metric.optional() }) },
      },
      async (req) => plans.list(actorOf(req), req.query),
    );
    r.get(
      '/api/plans/current',
      {
        config: read,
        schema: { querystring: KeyQuery.extend({ published: z.enum(['true', 'false']).optional() }) },
      },
      async (req) => plans.current(actorOf(req), req.query, req.query.published === 'true'),
    );
    r.post(
      '/api/plans/preview',
      {
        config: read,
        schema: {
          body: PlanBody.omit({ weights: true }).extend({ methods: z.array(Weights).min(1).max(4) }),
        },
      },
      async (req) => plans.preview(actorOf(req), req.body),
    );
    r.post(
      '/api/plans',
      { config: write, schema: { body: PlanBody.extend({ publish: z.boolean().optional() }) } },
      async (req, reply) => reply.status(201).send(await plans.create(actorOf(req), req.body)),
    );
    r.get(
      '/api/plans/compare',
      {
        config: read,
        schema: { querystring: z.object({ a: z.coerce.number().int(), b: z.coerce.number().int() }) },
      },
      async (req) => plans.compare(actorOf(req), req.query.a, req.query.b),
    );
    r.get('/api/plans/progress', { config: read, schema: { querystring: ProgressQuery } }, async (req) =>
      progress.progress(actorOf(req), req.query),
    );
    r.get('/api/plans/forecast', { config: read, schema: { querystring: ProgressQuery } }, async (req) =>
      progress.forecast(actorOf(req), req.query),
    );

    r.get(
      '/api/plans/province-rank',
      {
        config: read,
        schema: { querystring: z.object({ year: Year.optional(), metric: z.string().optional() }) },
      },
      async (req) => reviews.listProvinceRanks(actorOf(req), req.query),
    );
    r.post(
      '/api/plans/province-rank',
      {
        config: write,
        schema: {
          body: z.object({
            year: z.number().int(),
            month: z.number().int(),
            metric: z.string().min(1).default('overall'),
            rank: z.number().int(),
            of_total: z.number().int().nullable().optional(),
            note: z.string().nullable().optional(),
          }),
        },
      },
      async (req) => {
        const b = req.body;
        return reviews.setProvinceRank(actorOf(req), {
          year: b.year,
          month: b.month,
          metric: b.metric,
          rank: b.rank,
          ofTotal: b.of_total ?? null,
          note: b.note ?? null,
        });
      },
    );

    r.get('/api/plans/reviews/categories', { config: read }, async () =>
      Object.entries(REASON_CATEGORIES).map(([id, l]) => ({ id, label_zh: l.zh, label_en: l.en })),
    );
    r.get('/api/plans/reviews', { config: read, schema: { querystring: MonthQuery } }, async (req) =>
      reviews.list(actorOf(req), req.query),
    );
    r.get(
      '/api/plans/reviews/export',
      {
        config: read,
        schema: { querystring: MonthQuery.extend({ format: z.enum(['xlsx', 'html']).default('xlsx') }) },
      },
      async (req, reply) => {
        const rv = await reviews.list(actorOf(req), req.query);
        const name = `review-${rv.year}-${String(rv.month).padStart(2, '0')}`;
        if (req.query.format === 'html')
          return reply.header('content-type', 'text/html; charset=utf-8').send(reviewToHtml(rv));
        return reply
          .header('content-type', XLSX)
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(await reviewToXlsx(rv));
      },
    );
    r.post(
      '/api/plans/reviews',
      {
        config: write,
        schema: {
          body: z.object({
            year: z.number().int(),
            month: z.number().int(),
            metric: Metric,
            county: z.string(),
            reason_category: z.string(),
            reason_text: z.string().default(''),
            actions: z
              .array(z.object({ action: z.string(), owner: z.string(), due_date: z.string() }))
              .default([]),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body;
        const out = await reviews.create(actorOf(req), {
          year: b.year,
          month: b.month,
          metric: b.metric,
          county: b.county,
          reasonCategory: b.reason_category,
          reasonText: b.reason_text,
          actions: b.actions.map((a) => ({ action: a.action, owner: a.owner, dueDate: a.due_date })),
        });
        return reply.status(201).send(out);
      },
    );
    r.patch(
      '/api/plans/reviews/actions/:id',
      {
        config: write,
        schema: {
          params: IdParams,
          body: z.object({
            status: z.enum(['open', 'done', 'dropped']).optional(),
            follow_up: z.string().optional(),
          }),
        },
      },
      async (req) =>
        reviews.updateAction(actorOf(req), req.params.id, {
          status: req.body.status,
          followUp: req.body.follow_up,
        }),
    );

    r.get(
      '/api/plans/template',
      { config: read, schema: { querystring: z.object({ year: Year }) } },
      async (req, reply) =>
        reply
          .header('content-type', XLSX)
          .header('content-disposition', `attachment; filename="plan-targets-${req.query.year}.xlsx"`)
          .send(await imports.template(actorOf(req), req.query.year)),
    );
    r.post(
      '/api/plans/upload',
      { config: write, schema: { querystring: z.object({ publish: z.enum(['true', 'false']).optional() }) } },
      async (req, reply) => {
        const file = await req.file();
        if (!file) throw new ValidationError('请选择要上传的文件', 'Choose a file to upload');
        const buf = await file.toBuffer();
        return reply
          .status(201)
          .send(await imports.upload(actorOf(req), buf, { publish: req.query.publish === 'true' }));
      },
    );

    r.get('/api/plans/:id', { config: read, schema: { params: IdParams } }, async (req) =>
      plans.detail(actorOf(req), req.params.id),
    );
    r.post('/api/plans/:id/publish', { config: write, schema: { params: IdParams } }, async (req) =>
      plans.publish(actorOf(req), req.params.id),
    );
    r.post(
      '/api/plans/:id/revise',
      {
        config: write,
        schema: {
          params: IdParams,
          body: z.object({
            annual: z.number().int(),
            weights: Weights,
            distribution: Distribution.default({ kind: 'equal' }),
            mode: z.enum(['all', 'remaining']),
            from_month: z.number().int().optional(),
            note: z.string().nullable().optional(),
            publish: z.boolean().optional(),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body;
        const out = await plans.revise(actorOf(req), req.params.id, { ...b, fromMonth: b.from_month });
        return reply.status(201).send(out);
      },
    );
  };
