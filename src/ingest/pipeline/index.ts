// derived data that must follow every batch and undo: registered before any import can run
import '../../metrics/aggregates/register.js';
export {
  importFile,
  sha256File,
  MAX_REPORTED_ERRORS,
  type ImportResult,
  type ImportStatus,
  type ImportProgress,
  type ImportFileOptions,
} from './import-file.js';
export { importDirectory, type FileReport, type ImportDirOptions } from './import-dir.js';
export { undoBatch, type UndoResult } from './undo.js';
export { dataFreshness, DAILY, type DatasetFreshness } from './freshness.js';
export { dropOrphanStaging } from './staging.js';
export type { Counts } from './apply.js';
