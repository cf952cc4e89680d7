import { Command, CommanderError } from 'commander';
import { loadConfig, ConfigError, type Config } from '../config.js';
import { CliExit, type CliContext, type CliIo } from './context.js';
import { commandModules } from './commands/index.js';
import { bilingual, AppError } from '../core/errors.js';
import { LockedError } from '../db/lock.js';
import { DatabaseUnavailable } from '../db/open.js';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('marketops')
    .description('MarketOps 市场经营管理平台 — command line')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
  for (const m of commandModules) m.register(program, ctx);
  // every subcommand inherits the output and exit behaviour
  const walk = (c: Command) => {
    for (const sub of c.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) });
      walk(sub);
    }
  };
  walk(program);
  return program;
}

/** Run one CLI invocation; returns the exit code. Used by bin/marketops and by the server's hand-off. */
export async function runCli(argv: string[], opts: { io: CliIo; cwd: string; env?: NodeJS.ProcessEnv; config?: Config; database?: CliContext['database']; tty?: boolean }): Promise<number> {
  let config: Config;
  try {
    config = opts.config ?? loadConfig(opts.env ?? process.env, opts.cwd);
  } catch (e) {
    if (e instanceof ConfigError) {
      opts.io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const ctx: CliContext = { io: opts.io, config, cwd: opts.cwd, argv, database: opts.database, tty: opts.tty ?? false };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return exitCodeOf(e, opts.io);
  }
}

function exitCodeOf(e: unknown, io: CliIo): number {
  if (e instanceof CliExit) {
    if (e.message) io.err(`${e.message}\n`);
    return e.code;
  }
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof AppError) {
    io.err(`${bilingual(e)}\n`);
    return e.status === 400 || e.status === 422 ? 1 : 1;
  }
  if (e instanceof LockedError || e instanceof DatabaseUnavailable || e instanceof ConfigError) {
    io.err(`${e.message}\n`);
    return 1;
  }
  io.err(`error: ${(e as Error)?.message ?? String(e)}\n`);
  return 1;
}
