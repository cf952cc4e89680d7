import { ValidationError, type RowError } from '../../core/errors.js';

/** A problem with the file as a whole (row null): unsupported encoding, no header, a missing column… */
export function fileProblem(zh: string, en: string, column: string | null = null): RowError {
  return { row: null, column, value: null, message_zh: zh, message_en: en };
}

/**
 * The file cannot be imported at all. A ValidationError whose details are `{ errors: RowError[] }`
 * (each with row null, or the row where a CSV became unreadable), so the CLI and HTTP report it like row errors.
 */
export class ImportFileError extends ValidationError {
  readonly errors: RowError[];
  constructor(errors: RowError[]) {
    super(errors.map((e) => e.message_zh).join('；'), errors.map((e) => e.message_en).join('; '), { errors });
    this.errors = errors;
  }

  static of(zh: string, en: string, column: string | null = null): ImportFileError {
    return new ImportFileError([fileProblem(zh, en, column)]);
  }
}
