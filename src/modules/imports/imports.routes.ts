import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AppDeps } from '../../server/app.js';
import type { Actor } from '../../server/rbac.js';
import { ValidationError } from '../../core/errors.js';
import { datasetByName, datasetFromFileName } from '../../datasets/index.js';
import { createImportService, uploadDir, type UploadedFile } from './imports.service.js';

const actorOf = (req: FastifyRequest): Actor => {
  if (!req.actor) throw new Error('no actor past the auth hook');
  return req.actor;
};

const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** Import uploads (background jobs with progress), batch history, reject downloads, undo, freshness. */
export const importsRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const service = createImportService({ database: deps.database });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post('/api/imports', { config: { permission: 'import:run' } }, async (req, reply) => {
      const actor = actorOf(req);
      const saved: { tmpPath: string; fileName: string }[] = [];
      const fields: Record<string, string> = {};
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            const dir = uploadDir();
            // keep the extension: the reader picks csv / xlsx by it
            const tmpPath = path.join(dir, `upload${path.extname(part.filename).toLowerCase()}`);
            saved.push({ tmpPath, fileName: path.basename(part.filename) });
            await pipeline(part.file, fs.createWriteStream(tmpPath));
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
        if (saved.length === 0) throw new ValidationError('请选择要上传的文件', 'upload at least one file');
        const named = fields.dataset ? datasetByName(fields.dataset) : null;
        if (fields.dataset && !named) {
          throw new ValidationError(
            `未知的数据集「${fields.dataset}」`,
            `unknown dataset "${fields.dataset}"`,
            { dataset: fields.dataset },
          );
        }
        const files: UploadedFile[] = saved.map((s) => {
          const dataset = named ?? datasetFromFileName(s.fileName);
          if (!dataset) {
            throw new ValidationError(
              `无法从文件名「${s.fileName}」识别数据集，请选择数据集`,
              `cannot tell the dataset from the file name "${s.fileName}"; choose the dataset`,
              { file: s.fileName },
            );
          }
          return { ...s, dataset };
        });
        const jobs = service.start(actor, files, fields.allowPartial === 'true');
        return reply
          .status(202)
          .send({ jobs: jobs.map(({ jobId, file, dataset }) => ({ jobId, file, dataset })) });
      } catch (e) {
        for (const s of saved) fs.rmSync(path.dirname(s.tmpPath), { recursive: true, force: true });
        throw e;
      }
    });

    r.get(
      '/api/imports/jobs/:id',
      { config: { permission: 'import:run' }, schema: { params: z.object({ id: z.string() }) } },
      async (req) => service.job(actorOf(req), req.params.id).view,
    );

    r.get(
      '/api/imports/jobs/:id/events',
      { config: { permission: 'import:run' }, schema: { params: z.object({ id: z.string() }) } },
      async (req, reply) => {
        const { view, events } = service.job(actorOf(req), req.params.id);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        const send = (v: unknown) => reply.raw.write(`data: ${JSON.stringify(v)}\n\n`);
        send(view);
        if (view.status === 'done' || view.status === 'failed') {
          reply.raw.end();
          return;
        }
        const onEnd = () => {
          events.off('progress', send);
          reply.raw.end();
        };
        events.on('progress', send);
        events.once('end', onEnd);
        req.raw.on('close', () => {
          events.off('progress', send);
          events.off('end', onEnd);
        });
      },
    );

    r.get(
      '/api/imports/batches',
      {
        config: { permission: 'import:read' },
        schema: {
          querystring: z.object({
            dataset: z.string().optional(),
            page: z.coerce.number().int().positive().default(1),
            pageSize: z.coerce.number().int().min(1).max(500).default(50),
          }),
        },
      },
      async (req) => {
        const { items, total } = await service.batches(req.query);
        return { items, total, page: req.query.page, pageSize: req.query.pageSize };
      },
    );

    r.get(
      '/api/imports/batches/:id',
      { config: { permission: 'import:read' }, schema: { params: IdParams } },
      async (req) => service.batch(actorOf(req), req.params.id),
    );

    r.get(
      '/api/imports/batches/:id/rejects',
      {
        config: { permission: 'import:read' },
        schema: {
          params: IdParams,
          querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }),
        },
      },
      async (req, reply) => {
        const out = await service.rejects(actorOf(req), req.params.id, req.query.format);
        return reply
          .header(
            'content-type',
            req.query.format === 'xlsx'
              ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
              : 'text/csv; charset=utf-8',
          )
          .header('content-disposition', `attachment; filename="${out.fileName}"`)
          .send(out.body);
      },
    );

    r.post(
      '/api/imports/batches/:id/undo',
      { config: { permission: 'import:undo' }, schema: { params: IdParams } },
      async (req) => service.undo(actorOf(req), req.params.id),
    );

    r.get('/api/imports/freshness', { config: { permission: 'import:read' } }, async () => ({
      datasets: await service.freshness(),
    }));
  };
