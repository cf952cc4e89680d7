// Create a new embedded data directory (initdb) in a short-lived process: initdb leaves ~800 MB of
// WebAssembly memory behind, which the server's own process never gets back. Plain JavaScript, like the
// worker. Usage: node pglite-init.mjs <dataDir>
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: pglite-init.mjs <dataDir>\n');
  process.exit(2);
}
const pg = await PGlite.create(dir);
await pg.close();
