import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as serve from './serve.command.js';
import * as db from './db.command.js';
import * as demo from './demo.command.js';
import * as demoLoad from './demo-load.command.js';
import * as importCmd from './import.command.js';
import * as user from './user.command.js';
import * as metric from './metric.command.js';
import * as plan from './plan.command.js';
import * as followup from './followup.command.js';
import * as bulletin from './bulletin.command.js';

export type CommandModule = { register(program: Command, ctx: CliContext): void };

/** Every top-level command; a module adds its own here. */
export const commandModules: CommandModule[] = [
  serve,
  db,
  demo,
  demoLoad,
  importCmd,
  user,
  metric,
  plan,
  followup,
  bulletin,
];
