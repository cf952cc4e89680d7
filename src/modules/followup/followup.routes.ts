import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../server/app.js';
import type { Actor } from '../../server/rbac.js';
import { ValidationError } from '../../core/errors.js';
import { todayShanghai } from '../../core/dates.js';
import {
  assignableUsers,
  followupStats,
  generateFollowups,
  listFollowups,
  reassign,
  recordOutcome,
} from './followup.service.js';
import { exportFollowupsXlsx, importOutcomesXlsx } from './followup.workbook.js';
import { OUTCOMES, REASONS } from './followup.rules.js';
import './followup.subscriber-section.js';

const actorOf = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new Error('no actor past the auth hook');
  return req.actor;
};
const Outcome = z.enum(OUTCOMES as [string, ...string[]]).transform((v) => v as (typeof OUTCOMES)[number]);
const Reason = z.enum(REASONS as [string, ...string[]]).transform((v) => v as (typeof REASONS)[number]);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** /api/followups: today's lists, outcomes, the xlsx round trip and completion statistics. */
export const followupRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const db = deps.database.db;
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/followups',
      {
        config: { permission: 'collections:read' },
        schema: {
          querystring: z.object({
            date: z.string().optional(),
            county: z.string().optional(),
            assignee: z.string().optional(),
            status: z.enum(['open', 'closed']).optional(),
            reason: Reason.optional(),
          }),
        },
      },
      async (req) => {
        const date = req.query.date ?? todayShanghai();
        return { date, items: await listFollowups(db, actorOf(req), { ...req.query, date }) };
      },
    );

    r.post(
      '/api/followups/generate',
      {
        config: { permission: 'followup:work' },
        schema: { body: z.object({ date: z.string().optional(), county: z.string().optional() }) },
      },
      async (req) =>
        generateFollowups(db, {
          date: req.body.date ?? todayShanghai(),
          county: req.body.county,
          actor: actorOf(req),
        }),
    );

    r.post(
      '/api/followups/:id/outcome',
      {
        config: { permission: 'followup:work' },
        schema: {
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ outcome: Outcome, note: z.string().max(4000).nullish() }),
        },
      },
      async (req) => {
        await recordOutcome(db, actorOf(req), req.params.id, req.body);
        return { ok: true };
      },
    );

    r.post(
      '/api/followups/:id/assign',
      {
        config: { permission: 'followup:work' },
        schema: {
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ assignee: z.string().min(1) }),
        },
      },
      async (req) => {
        await reassign(db, actorOf(req), req.params.id, req.body.assignee);
        return { ok: true };
      },
    );

    r.get(
      '/api/followups/assignees',
      {
        config: { permission: 'followup:work' },
        schema: { querystring: z.object({ county: z.string().min(1) }) },
      },
      async (req) => ({ users: await assignableUsers(db, actorOf(req), req.query.county) }),
    );

    r.get(
      '/api/followups/export',
      {
        config: { permission: 'collections:read' },
        schema: { querystring: z.object({ county: z.string().min(1), date: z.string().optional() }) },
      },
      async (req, reply) => {
        const date = req.query.date ?? todayShanghai();
        const { buffer } = await exportFollowupsXlsx(db, actorOf(req), { county: req.query.county, date });
        reply.header(
          'content-disposition',
          `attachment; filename="followups-${req.query.county}-${date}.xlsx"`,
        );
        return reply.type(XLSX).send(buffer);
      },
    );

    r.post('/api/followups/import', { config: { permission: 'followup:work' } }, async (req) => {
      let buf: Buffer | null = null;
      let fileName: string | undefined;
      let partial = false;
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          buf = await part.toBuffer();
          fileName = part.filename;
        } else if (part.fieldname === 'partial') partial = part.value === 'true' || part.value === '1';
      }
      if (!buf) throw new ValidationError('请选择要上传的文件', 'upload the filled .xlsx list');
      const report = await importOutcomesXlsx(db, actorOf(req), buf, { partial, fileName });
      if (report.status === 'rejected') {
        throw new ValidationError(
          `文件有 ${report.errors.length} 行错误，未导入任何结果`,
          `${report.errors.length} bad rows; nothing was imported`,
          { report },
        );
      }
      return report;
    });

    r.get(
      '/api/followups/stats',
      {
        config: { permission: 'collections:read' },
        schema: {
          querystring: z.object({ from: z.string(), to: z.string(), county: z.string().optional() }),
        },
      },
      async (req) => followupStats(db, actorOf(req), req.query),
    );
  };
