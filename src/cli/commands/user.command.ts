import type { Command } from 'commander';
import crypto from 'node:crypto';
import { cliActor, usageError, withDatabase, type CliContext } from '../context.js';
import { systemActor } from '../../server/rbac.js';
import {
  createUser,
  listUsers,
  resetPassword,
  RoleSchema,
  setDisabled,
} from '../../modules/users/users.service.js';
import type { PublicUser } from '../../modules/users/users.repository.js';

/** A random password that satisfies the policy; printed once, to be changed at first sign-in. */
const randomPassword = () => `mo-${crypto.randomBytes(9).toString('base64url')}7`;

async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk);
  return data.replace(/\r?\n$/, '');
}

/** --password P, --password-stdin, or a generated one (reported so the admin can hand it over). */
async function passwordFrom(ctx: CliContext, opts: { password?: string; passwordStdin?: boolean }) {
  if (opts.password !== undefined && opts.passwordStdin)
    throw usageError('use either --password or --password-stdin');
  if (opts.passwordStdin) {
    // inside a server (CLI hand-off) there is no terminal to read from
    if (ctx.database)
      throw usageError('--password-stdin is not available while a server holds the database; use --password');
    return { password: await readStdin(), generated: false };
  }
  if (opts.password !== undefined) return { password: opts.password, generated: false };
  return { password: randomPassword(), generated: true };
}

const line = (u: PublicUser) =>
  [
    u.username.padEnd(16),
    u.role.padEnd(15),
    (u.county ?? '-').padEnd(6),
    (u.auditorLevel === null ? '-' : String(u.auditorLevel)).padEnd(3),
    u.disabled ? 'disabled' : u.mustChangePassword ? 'must-change-password' : 'active',
    u.displayName,
  ].join(' ');

export function register(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('user administration (add, reset, disable, enable, list)');

  user
    .command('add <username>')
    .description('create a user (they must change the password at first sign-in)')
    .requiredOption('--role <role>', `one of ${RoleSchema.options.join(', ')}`)
    .option('--county <code>', 'county code (county_manager, auditor level 1)')
    .option('--level <n>', 'auditor level 1, 2 or 3')
    .option('--name <display name>', 'display name')
    .option('--password <password>', 'initial password (default: generated and printed)')
    .option('--password-stdin', 'read the initial password from standard input')
    .option('--as <user>', 'record the change as this user')
    .action(
      async (
        username: string,
        opts: {
          role: string;
          county?: string;
          level?: string;
          name?: string;
          password?: string;
          passwordStdin?: boolean;
          as?: string;
        },
      ) => {
        const role = RoleSchema.safeParse(opts.role);
        if (!role.success) throw usageError(`--role must be one of ${RoleSchema.options.join(', ')}`);
        const level = opts.level === undefined ? null : Number(opts.level);
        if (level !== null && !Number.isInteger(level)) throw usageError(`invalid --level: ${opts.level}`);
        const { password, generated } = await passwordFrom(ctx, opts);
        await withDatabase(ctx, async (database) => {
          const u = await createUser(database.db, systemActor(cliActor(opts.as)), {
            username,
            displayName: opts.name,
            role: role.data,
            county: opts.county ?? null,
            auditorLevel: level,
            password,
          });
          ctx.io.out(`created user ${u.username} (${u.role}${u.county ? `, ${u.county}` : ''})\n`);
          if (generated) ctx.io.out(`initial password: ${password}\n`);
        });
      },
    );

  user
    .command('reset <username>')
    .description('set a new password (the user must change it at next sign-in; their sessions end)')
    .option('--password <password>', 'new password (default: generated and printed)')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--as <user>', 'record the change as this user')
    .action(async (username: string, opts: { password?: string; passwordStdin?: boolean; as?: string }) => {
      const { password, generated } = await passwordFrom(ctx, opts);
      await withDatabase(ctx, async (database) => {
        await resetPassword(database.db, systemActor(cliActor(opts.as)), username, password);
        ctx.io.out(`password of ${username} reset\n`);
        if (generated) ctx.io.out(`new password: ${password}\n`);
      });
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${name} <username>`)
      .description(disabled ? 'disable a user (signs them out everywhere)' : 'enable a disabled user')
      .option('--as <user>', 'record the change as this user')
      .action(async (username: string, opts: { as?: string }) => {
        await withDatabase(ctx, async (database) => {
          await setDisabled(database.db, systemActor(cliActor(opts.as)), username, disabled);
          ctx.io.out(`user ${username} ${disabled ? 'disabled' : 'enabled'}\n`);
        });
      });
  }

  user
    .command('list')
    .description('list users')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(ctx, async (database) => {
        const users = await listUsers(database.db, systemActor(cliActor(undefined)));
        if (opts.json) {
          ctx.io.out(`${JSON.stringify(users)}\n`);
          return;
        }
        for (const u of users) ctx.io.out(`${line(u)}\n`);
      });
    });
}
