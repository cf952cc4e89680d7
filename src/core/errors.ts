/**
 * Errors that reach people. Services throw these; the HTTP error handler and the CLI map them
 * to a status / exit code and show `message_zh` / `message_en` as they are.
 */
export type ErrorDetails = Record<string, unknown>;

export type RowError = {
  /** Excel row number (header = 1); null for a file-level error. */
  row: number | null;
  column: string | null;
  value: string | null;
  message_zh: string;
  message_en: string;
};

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly message_zh: string;
  readonly message_en: string;
  readonly details?: ErrorDetails;

  constructor(message_zh: string, message_en: string, details?: ErrorDetails) {
    super(message_en);
    this.message_zh = message_zh;
    this.message_en = message_en;
    this.details = details;
  }

  toJSON() {
    return {
      error: this.code,
      message: this.message_en,
      message_zh: this.message_zh,
      message_en: this.message_en,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation';
  readonly status = 422;
}

export class BadRequest extends AppError {
  readonly code = 'bad_request';
  readonly status = 400;
}

export class NotFound extends AppError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(entity: string, id: string | number) {
    super(`未找到 ${entity}「${id}」`, `${entity} "${id}" not found`, { entity, id });
  }
}

export class Conflict extends AppError {
  readonly code = 'conflict';
  readonly status = 409;
}

export class Forbidden extends AppError {
  readonly code = 'forbidden';
  readonly status = 403;
  constructor(message_zh = '无权访问', message_en = 'Forbidden', details?: ErrorDetails) {
    super(message_zh, message_en, details);
  }
}

export class Unauthorized extends AppError {
  readonly code = 'unauthorized';
  readonly status = 401;
  constructor(message_zh = '请先登录', message_en = 'Please sign in', details?: ErrorDetails) {
    super(message_zh, message_en, details);
  }
}

export class Busy extends AppError {
  readonly code = 'busy';
  readonly status = 503;
}

/** A bilingual message as one line: "中文 / English". */
export const bilingual = (e: { message_zh: string; message_en: string }): string =>
  e.message_zh === e.message_en ? e.message_en : `${e.message_zh} / ${e.message_en}`;
