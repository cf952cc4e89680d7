import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { ValidationError, type RowError } from '../../core/errors.js';
import { assertCan, type Actor } from '../../server/rbac.js';
import * as repo from './plans.repository.js';
import { createPlanService, type PlanDetail } from './plans.service.js';
import { parseTargets, targetsTemplate } from './plans-xlsx.js';
import type { RunMetric } from './plan-inputs.js';

/** Targets through the xlsx template: download it, fill it, upload it (errors per cell). */
export const createPlanImportService = (deps: { db: Kysely<DB>; runMetric?: RunMetric }) => {
  const plans = createPlanService(deps);
  return {
    async template(actor: Actor, year: number): Promise<Buffer> {
      assertCan(actor, 'plans:read');
      return targetsTemplate(year, await repo.listCounties(deps.db));
    },

    /**
     * Every row is checked (syntax, then the split rules through a dry run) before anything is
     * stored: one bad cell rejects the upload with all the errors found.
     */
    async upload(actor: Actor, buf: Buffer, opts: { publish: boolean }): Promise<PlanDetail[]> {
      assertCan(actor, 'plans:write');
      const { rows, errors } = await parseTargets(buf);
      const all: RowError[] = [...errors];
      for (const r of rows) {
        const p = await plans.preview(actor, { ...r, methods: [r.weights] });
        const m = p.methods[0];
        if (m && !m.ok) {
          const col = /product/.test(m.error.message_en)
            ? 'product'
            : /distribution|percent|month|seasonality/.test(m.error.message_en)
              ? 'distribution'
              : /annual|whole yuan|negative/.test(m.error.message_en)
                ? 'annual'
                : 'weights';
          all.push({
            row: r.row,
            column: col,
            value: null,
            message_zh: m.error.message_zh,
            message_en: m.error.message_en,
          });
        }
      }
      if (all.length) {
        throw new ValidationError(
          `模板有 ${all.length} 处错误，未导入任何目标`,
          `The template has ${all.length} error(s): no target was imported`,
          { errors: all },
        );
      }
      const out: PlanDetail[] = [];
      for (const r of rows) out.push(await plans.create(actor, { ...r, publish: opts.publish }));
      return out;
    },
  };
};
