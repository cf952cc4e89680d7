import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../server/app.js';
import type { Actor } from '../server/rbac.js';
import { ValidationError } from '../core/errors.js';
import { recordAudit } from '../modules/audit/audit.repository.js';
import { tableToCsv, tablesToXlsx, type ExportTable } from '../export/table-export.js';
import { METRIC_CATALOG } from './catalog.js';
import { runMetric } from './engine.js';
import { drillMetric } from './drill.js';
import { parseMetricQuery } from './query.js';
import { answerTable, drillTable } from './answer-export.js';

const QueryString = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  at: z.string().optional(),
  month: z.string().optional(),
  cutoff: z.string().optional(),
  n: z.string().optional(),
  by: z.string().optional(),
  county: z.string().optional(),
  product: z.string().optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

const DrillString = QueryString.extend({
  row: z.string().default('{}'),
  side: z.enum(['numerator', 'denominator', 'value']).default('value'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
  sort: z.string().optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  reveal: z.enum(['0', '1']).default('0'),
});

const actorOf = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new Error('no actor past the auth hook');
  return req.actor;
};

async function sendTable(
  deps: AppDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  table: ExportTable,
  name: string,
) {
  const actor = actorOf(req);
  await recordAudit(deps.database.db, {
    actor: actor.username,
    action: 'export',
    entity: 'metric',
    entityId: name,
    county: actor.countyScope,
    detail: { url: req.url, rows: table.rows.length, format },
    ip: req.ip,
  });
  const file = `${name}.${format}`;
  reply.header('content-disposition', `attachment; filename="${file}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tableToCsv(table));
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await tablesToXlsx([table]));
}

/** GET /api/metrics (catalog), /api/metrics/:id (answer or export), /api/metrics/:id/drill (records). */
export const metricsRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/api/metrics', { config: { permission: 'metrics:read' } }, async () => ({
      metrics: METRIC_CATALOG,
    }));

    r.get(
      '/api/metrics/:id',
      {
        config: { permission: 'metrics:read' },
        schema: { params: z.object({ id: z.string() }), querystring: QueryString },
      },
      async (req, reply) => {
        const { format, ...rest } = req.query;
        const q = parseMetricQuery({ ...rest, metric: req.params.id });
        const answer = await runMetric(deps.database.db, actorOf(req), q);
        if (format === 'json') return answer;
        return sendTable(deps, req, reply, format, answerTable(answer), answer.metric);
      },
    );

    r.get(
      '/api/metrics/:id/drill',
      {
        config: { permission: 'data:read' },
        schema: { params: z.object({ id: z.string() }), querystring: DrillString },
      },
      async (req, reply) => {
        const { format, row, side, page, pageSize, sort, order, reveal, ...rest } = req.query;
        let rowKeys: unknown;
        try {
          rowKeys = JSON.parse(row);
        } catch {
          throw new ValidationError('row 不是有效的 JSON', 'row is not valid JSON', { field: 'row' });
        }
        if (typeof rowKeys !== 'object' || rowKeys === null || Array.isArray(rowKeys)) {
          throw new ValidationError('row 应为对象', 'row must be a JSON object of group keys', {
            field: 'row',
          });
        }
        const q = parseMetricQuery({ ...rest, metric: req.params.id });
        const exporting = format !== 'json';
        const answer = await drillMetric(
          deps.database.db,
          actorOf(req),
          q,
          {
            row: rowKeys as Record<string, string | null>,
            side,
            // an export takes every record of the row, not one page
            page: exporting ? 1 : page,
            pageSize: exporting ? 1_000_000 : pageSize,
            sort,
            order,
            reveal: reveal === '1',
          },
          { ip: req.ip },
        );
        if (!exporting) return answer;
        return sendTable(deps, req, reply, format, drillTable(answer), `${answer.metric}_records`);
      },
    );
  };
