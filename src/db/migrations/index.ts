import type { Migration } from 'kysely';
import * as m202611281900 from './202611281900_create_reference_tables.js';
import * as m202611281901 from './202611281901_create_event_tables.js';
import * as m202611281902 from './202611281902_create_import_history.js';
import * as m202611281903 from './202611281903_create_users_and_audit.js';
import * as m202611282300 from './202611282300_create_plan_tables.js';
import * as m202611291000 from './202611291000_create_metric_aggregates.js';
import * as m202611291100 from './202611291100_replace_data_foreign_keys.js';
import * as m202611291200 from './202611291200_add_stale_mark_owner.js';
import * as m202611291201 from './202611291201_create_sub_month_aggregate.js';
import * as m202611291202 from './202611291202_create_group_statistics.js';
import * as m202611291203 from './202611291203_create_reference_version.js';
import * as m202611291204 from './202611291204_create_terminal_recovery_aggregate.js';
import * as m202611291300 from './202611291300_create_month_rollups.js';
import * as m202611291400 from './202611291400_mark_zero_fee_months_once.js';
import * as m202611290100 from './202611290100_create_adjustment_limits.js';
import * as m202611290101 from './202611290101_create_arrears_targets.js';
import * as m202611290102 from './202611290102_create_followup_items.js';
import * as m202611290103 from './202611290103_create_bulletins.js';
import * as m202611290104 from './202611290104_create_scheduler_runs.js';

/** Every migration in order; a new file is added here (name = file name without extension). */
export const migrations: Record<string, Migration> = {
  '202611281900_create_reference_tables': m202611281900,
  '202611281901_create_event_tables': m202611281901,
  '202611281902_create_import_history': m202611281902,
  '202611281903_create_users_and_audit': m202611281903,
  '202611282300_create_plan_tables': m202611282300,
  '202611291000_create_metric_aggregates': m202611291000,
  '202611291100_replace_data_foreign_keys': m202611291100,
  '202611291200_add_stale_mark_owner': m202611291200,
  '202611291201_create_sub_month_aggregate': m202611291201,
  '202611291202_create_group_statistics': m202611291202,
  '202611291203_create_reference_version': m202611291203,
  '202611291204_create_terminal_recovery_aggregate': m202611291204,
  '202611291300_create_month_rollups': m202611291300,
  '202611291400_mark_zero_fee_months_once': m202611291400,
  '202611290100_create_adjustment_limits': m202611290100,
  '202611290101_create_arrears_targets': m202611290101,
  '202611290102_create_followup_items': m202611290102,
  '202611290103_create_bulletins': m202611290103,
  '202611290104_create_scheduler_runs': m202611290104,
};
