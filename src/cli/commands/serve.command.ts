import type { Command } from 'commander';
import { usageError, type CliContext } from '../context.js';
import { startServer } from '../../server/start.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('start the web server (embedded database in ./data unless DATABASE_URL is set)')
    .option('--port <n>', 'port (default PORT or 8080)')
    .option('--host <h>', 'address to listen on (default 127.0.0.1)')
    .action(async (opts: { port?: string; host?: string }) => {
      if (ctx.database) throw usageError('serve cannot run inside a server');
      const port = opts.port === undefined ? ctx.config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`invalid --port: ${opts.port}`);
      const server = await startServer({ ...ctx.config, port, host: opts.host ?? ctx.config.host }, ctx.io);
      await server.closed;
    });
}
