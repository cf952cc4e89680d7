import { runCli } from './main.js';

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
};
const code = await runCli(process.argv.slice(2), { io, cwd: process.cwd(), tty: process.stderr.isTTY });
// serve keeps the process alive itself; everything else ends here
if (code !== -1) {
  process.exitCode = code;
}
