import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import {
  serializerCompiler,
  validatorCompiler,
  jsonSchemaTransform,
  hasZodFastifySchemaValidationErrors,
} from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../core/errors.js';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { routePlugins } from './routes.js';
import { authHook } from './auth/auth.hook.js';
import './types.js';

export type AppDeps = {
  database: Database;
  config: Config;
  version: string;
  /** Token of the embedded-database lock, accepted from local CLI processes (X-MarketOps-Token). */
  localToken?: string;
  /** Pending migrations at start (0 once migrated); health reports it without asking the database. */
  pendingMigrations: number;
  logger?: boolean;
};

// the built web app; MARKETOPS_WEB_DIST points elsewhere (parallel development builds)
const webDist = path.resolve(
  process.env.MARKETOPS_WEB_DIST ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist'),
);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // logs go to stderr: stdout belongs to the CLI's own output (the "listening" line, JSON answers)
    logger: deps.logger === false ? false : { level: deps.config.logLevel, stream: process.stderr },
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: true,
    genReqId: () => Math.random().toString(36).slice(2, 10),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Every /api route must declare its permission: a route without one fails the start, so it can
  // never be reachable by accident.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.permission) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no permission`);
    }
  });

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: deps.config.uploadLimitBytes, files: 20 } });
  await app.register(swagger, {
    openapi: { info: { title: 'MarketOps API', version: deps.version } },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('actor', null);
  app.addHook('onRequest', authHook(deps));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send(err.toJSON());
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(v.params?.issue ?? ''),
        message: v.message,
      }));
      const fields = issues
        .map((i) => i.field)
        .filter(Boolean)
        .join(', ');
      return reply.status(422).send({
        error: 'validation',
        message: `Invalid request: ${fields || err.message}`,
        message_zh: `请求参数无效：${fields || err.message}`,
        message_en: `Invalid request: ${fields || err.message}`,
        details: { issues },
      });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({
        error: err.code ?? 'bad_request',
        message: err.message,
        message_zh: err.statusCode === 429 ? '请求过于频繁，请稍后再试' : `请求无效：${err.message}`,
        message_en: err.message,
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({
      error: 'internal',
      message: `Internal error (request ${req.id})`,
      message_zh: `服务器内部错误（请求编号 ${req.id}）`,
      message_en: `Internal error (request ${req.id})`,
    });
  });

  for (const plugin of routePlugins) await app.register(plugin(deps));

  app.get('/api/openapi.json', { config: { permission: 'public' } }, async () => app.swagger());

  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply
        .status(404)
        .send({ error: 'not_found', message: 'Not found', message_zh: '未找到', message_en: 'Not found' });
    });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply
        .status(404)
        .send({ error: 'not_found', message: 'Not found', message_zh: '未找到', message_en: 'Not found' }),
    );
  }
  return app;
}
