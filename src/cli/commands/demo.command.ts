import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function register(program: Command, _ctx: CliContext): void {
  program.command('demo').description('generate and load the demo city');
}
