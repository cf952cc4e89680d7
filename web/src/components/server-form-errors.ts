import type { FormInstance } from 'antd';
import { ApiError, errorMessage } from '../api/http';

/**
 * Put a server validation error on the form field its `details.field` names; returns false when the
 * error names no field of this form, so the caller shows it as a message instead.
 */
export function applyServerError(
  form: FormInstance,
  err: unknown,
  lang: string,
  fields: readonly string[],
): boolean {
  if (!(err instanceof ApiError)) return false;
  const details = err.details as { field?: unknown; fields?: Record<string, unknown> } | null | undefined;
  const text = errorMessage(err, lang, err.message);
  if (details && typeof details.field === 'string' && fields.includes(details.field)) {
    form.setFields([{ name: details.field, errors: [text] }]);
    return true;
  }
  if (details?.fields && typeof details.fields === 'object') {
    const named = Object.keys(details.fields).filter((f) => fields.includes(f));
    if (named.length > 0) {
      form.setFields(named.map((f) => ({ name: f, errors: [text] })));
      return true;
    }
  }
  return false;
}
