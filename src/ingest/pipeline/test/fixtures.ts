import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../../db/connect.js';
import { importFile, type ImportResult } from '../import-file.js';
import type { DatasetKey } from '../../../datasets/index.js';

/** A temp directory per test file for real CSV files. */
export function tempDir(tag: string): {
  dir: string;
  write(name: string, lines: string[]): string;
  remove(): void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mo-${tag}-`));
  return {
    dir,
    write(name, lines) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, lines.join('\n') + '\n');
      return p;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The small reference city every pipeline test starts from. */
export const REFERENCE: [DatasetKey, string[]][] = [
  ['counties', ['county_code,county_name', 'C01,城区', 'C02,东县']],
  ['outlets', ['outlet_code,outlet_name,county_code', 'O1,城区营业厅,C01', 'O2,东县营业厅,C02']],
  ['products', ['product_code,product_name,needs_terminal,needs_deposit', 'BB,宽带,是,是', 'MB,移动,否,否']],
  [
    'packages',
    [
      'package_code,package_name,product_code,monthly_fee,billing',
      'P100,宽带100M,BB,100.00,monthly',
      'M58,移动58,MB,58,monthly',
    ],
  ],
  ['warehouses', ['warehouse_code,warehouse_name,county_code', 'W1,城区仓,C01']],
  ['items', ['item_code,item_name,unit,serialized,product_code', 'ONU,光猫,台,是,BB', 'CABLE,皮线,米,否,']],
  [
    'subscribers',
    [
      'subscriber_id,account_id,customer_name,county_code,outlet_code,product_code,package_code,install_date,status',
      'S1,A1,张三,C01,O1,BB,P100,2026-01-05,normal',
      'S2,A2,李四,C02,O2,MB,M58,2026-02-10,normal',
    ],
  ],
];

export async function loadReference(database: Database, files: ReturnType<typeof tempDir>): Promise<void> {
  for (const [dataset, lines] of REFERENCE) {
    const r = await importFile(database, {
      dataset,
      filePath: files.write(`${dataset}.csv`, lines),
      actor: 'test',
    });
    if (r.status !== 'imported')
      throw new Error(`reference ${dataset} not imported: ${JSON.stringify(r.errors)}`);
  }
}

export const ok = (r: ImportResult) => ({ status: r.status, counts: r.counts });
