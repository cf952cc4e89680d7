import type { Command } from 'commander';
import path from 'node:path';
import { isIsoDate } from '../../core/dates.js';
import { DEFAULT_AS_OF, DEFAULT_SUBSCRIBERS, generateDemoCity } from '../../demo/generate-city.js';
import { usageError, type CliContext } from '../context.js';

type GenerateOpts = { subscribers: string; seed: string; out: string; asOf: string; json?: boolean };

const integer = (name: string, value: string, min: number): number => {
  if (!/^-?\d+$/.test(value.trim()))
    throw usageError(`${name} 必须是整数 / ${name} must be an integer: ${value}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw usageError(`${name} 必须 ≥ ${min} / ${name} must be ≥ ${min}: ${value}`);
  return n;
};

export function register(program: Command, ctx: CliContext): void {
  const demo = program.command('demo').description('generate and load the demo city');

  // `demo load` and `demo start` are registered here as well once the import pipeline lands.
  demo
    .command('generate')
    .description('write a deterministic demo city as data-contract CSV files')
    .option('--subscribers <n>', 'number of subscribers in the master', String(DEFAULT_SUBSCRIBERS))
    .option('--seed <s>', 'random seed (same seed and options → identical files)', '1')
    .requiredOption('--out <dir>', 'output folder (created if missing; files are overwritten)')
    .option('--as-of <date>', 'the extract date: 24 full months end the month before it', DEFAULT_AS_OF)
    .option('--json', 'JSON summary on stdout')
    .action(async (opts: GenerateOpts) => {
      const subscribers = integer('--subscribers', opts.subscribers, 1);
      const seed = integer('--seed', opts.seed, Number.MIN_SAFE_INTEGER);
      if (!isIsoDate(opts.asOf))
        throw usageError(`--as-of 必须是 YYYY-MM-DD 日期 / --as-of must be a date YYYY-MM-DD: ${opts.asOf}`);
      const outDir = path.resolve(ctx.cwd, opts.out);
      const started = Date.now();
      const result = await generateDemoCity({
        subscribers,
        seed,
        outDir,
        asOf: opts.asOf,
        onProgress: ctx.tty
          ? (p) =>
              ctx.io.err(
                `\rgenerating ${p.month} (${p.monthsDone}/${p.months})${p.monthsDone === p.months ? '\n' : ''}`,
              )
          : undefined,
      });
      const seconds = (Date.now() - started) / 1000;
      if (opts.json) {
        ctx.io.out(
          `${JSON.stringify({ outDir, asOf: result.asOf, seed, subscribers, seconds, files: result.files })}\n`,
        );
        return;
      }
      const rows = result.files.reduce((a, f) => a + f.rows, 0);
      ctx.io.out(
        `demo city written to ${outDir} (as of ${result.asOf}, seed ${seed}, ${subscribers} subscribers, ${rows} rows, ${seconds.toFixed(1)} s)\n`,
      );
      for (const f of result.files) ctx.io.out(`  ${f.dataset.padEnd(14)} ${String(f.rows).padStart(10)}\n`);
    });
}
