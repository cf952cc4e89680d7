import { runCli } from './main.js';

// A closed stdout (e.g. `marketops metric … | head`) ends the command quietly, as other CLI tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
};
process.exitCode = await runCli(process.argv.slice(2), { io, cwd: process.cwd(), tty: process.stderr.isTTY });
