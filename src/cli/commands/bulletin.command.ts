import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { usageError, withDatabase, type CliContext } from '../context.js';
import { fenToYuanString } from '../../core/money.js';
import { bulletinXlsx, generateBulletin } from '../../modules/collections/bulletin.service.js';
import { actorAs } from './followup.command.js';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('bulletin').description('bulletins (通报)');
  cmd
    .command('collections')
    .description('generate and archive the weekly or monthly collections bulletin')
    .option('--week <YYYY-Www>', 'ISO week, e.g. 2026-W23')
    .option('--month <YYYY-MM>', 'calendar month')
    .option('--out <file>', 'also write it as .xlsx')
    .option('--json', 'JSON output')
    .option('--as <user>', 'generate as this user')
    .action(async (o: { week?: string; month?: string; out?: string; json?: boolean; as?: string }) => {
      if (!!o.week === !!o.month) throw usageError('give exactly one of --week YYYY-Www or --month YYYY-MM');
      const kind = o.week ? 'week' : 'month';
      const key = (o.week ?? o.month) as string;
      await withDatabase(ctx, async (database) => {
        const actor = await actorAs(database.db, o.as);
        const { bulletin_id, content } = await generateBulletin(database.db, actor, kind, key);
        if (o.out) {
          const out = path.resolve(ctx.cwd, o.out);
          fs.writeFileSync(out, await bulletinXlsx(content));
          if (!o.json) ctx.io.out(`written to ${out}\n`);
        }
        if (o.json) return ctx.io.out(`${JSON.stringify({ bulletin_id, ...content })}\n`);
        ctx.io.out(
          `bulletin #${bulletin_id} ${content.period.key} (${content.period.from}..${content.period.to}), bill month ${content.bill_month} at ${content.cutoff}, target ${(content.target_bp / 100).toFixed(2)}%\n`,
        );
        for (const r of content.rows) {
          ctx.io.out(
            `${String(r.rank).padStart(2)} ${r.county_code} rate ${pct(r.rate.value)}${r.below_target ? ' (below target)' : ''} prev ${pct(r.previous_rate.value)} long-term ${fenToYuanString(r.long_term)} adjustments ${fenToYuanString(r.adjustments)}${r.adjustment_limit === null ? '' : `/${fenToYuanString(r.adjustment_limit)}`} follow-up ${pct(r.followup_completion.value)}\n`,
          );
        }
      });
    });
}
