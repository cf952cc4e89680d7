import type { Migration } from 'kysely';
import * as m202611281900 from './202611281900_create_reference_tables.js';
import * as m202611281901 from './202611281901_create_event_tables.js';
import * as m202611281902 from './202611281902_create_import_history.js';
import * as m202611281903 from './202611281903_create_users_and_audit.js';

/** Every migration in order; a new file is added here (name = file name without extension). */
export const migrations: Record<string, Migration> = {
  '202611281900_create_reference_tables': m202611281900,
  '202611281901_create_event_tables': m202611281901,
  '202611281902_create_import_history': m202611281902,
  '202611281903_create_users_and_audit': m202611281903,
};
