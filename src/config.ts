import path from 'node:path';
import { z } from 'zod';

const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
      message: 'DATABASE_URL must look like postgres://user@host:5432/dbname',
    }),
  MARKETOPS_DATA: z.string().trim().min(1).default('data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  MARKETOPS_UPLOAD_LIMIT_MB: z.coerce.number().int().positive().default(512),
  MARKETOPS_DEMO: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  MARKETOPS_SESSION_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  databaseUrl?: string;
  /** Absolute path of the embedded data directory (unused when databaseUrl is set). */
  dataDir: string;
  port: number;
  host: string;
  uploadLimitBytes: number;
  demo: boolean;
  sessionHours: number;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
};

export class ConfigError extends Error {}

/** Read and validate the environment; a bad value gives one clear line, never a stack trace. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(`configuration error: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const c = r.data;
  return {
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(cwd, c.MARKETOPS_DATA),
    port: c.PORT,
    host: c.HOST,
    uploadLimitBytes: c.MARKETOPS_UPLOAD_LIMIT_MB * 1024 * 1024,
    demo: c.MARKETOPS_DEMO ?? false,
    sessionHours: c.MARKETOPS_SESSION_HOURS,
    logLevel: c.LOG_LEVEL,
  };
}
