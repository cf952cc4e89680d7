/**
 * Child process of the SIGKILL test: imports a file and reports progress on stdout, one line per
 * chunk, until the parent kills it. argv: <pglite data dir | postgres url> <dataset> <file> [direct|staged]
 * (PostgreSQL: which path a large first load takes; default direct).
 */
import { openEmbedded, openPostgres } from '../../../db/connect.js';
import { importFile } from '../import-file.js';
import type { DatasetKey } from '../../../datasets/index.js';

const [target, dataset, file, path = 'direct'] = process.argv.slice(2);
if (!target || !dataset || !file) throw new Error('usage: kill-child <db> <dataset> <file>');
const database = target.startsWith('postgres')
  ? await openPostgres(target, { max: 3 })
  : await openEmbedded({ dataDir: target });
const r = await importFile(database, {
  dataset: dataset as DatasetKey,
  filePath: file,
  actor: 'killed',
  directMinRows: path === 'direct' ? 1 : Infinity,
  onProgress: (p) => process.stdout.write(`progress ${p.rows}\n`),
});
process.stdout.write(`finished ${r.status}\n`);
await database.close();
