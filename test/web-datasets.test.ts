import { describe, expect, it } from 'vitest';
import zhCN from '../web/src/i18n/zh-CN.json' with { type: 'json' };
import enUS from '../web/src/i18n/en-US.json' with { type: 'json' };
import { DATASETS, IMPORT_ORDER } from '../src/datasets/index.js';

// loaded by path so the server's type check does not walk into the web sources
const load = (p: string) => import(/* @vite-ignore */ p) as Promise<{ DATASETS: readonly string[] }>;
const web = await load('../web/src/api/imports-api.ts');

describe('the import centre', () => {
  it('offers exactly the datasets of the data contract, in dependency order', () => {
    expect([...web.DATASETS]).toEqual([...IMPORT_ORDER]);
    expect([...web.DATASETS].sort()).toEqual(Object.keys(DATASETS).sort());
  });

  it('names every dataset in both languages', () => {
    for (const bundle of [zhCN, enUS] as { datasets: Record<string, string> }[])
      expect(Object.keys(bundle.datasets).sort()).toEqual(Object.keys(DATASETS).sort());
  });
});
