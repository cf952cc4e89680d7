import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import zhCN from '../web/src/i18n/zh-CN.json' with { type: 'json' };
import enUS from '../web/src/i18n/en-US.json' with { type: 'json' };

// feature modules merge their own bundles into i18next; here only their strings are wanted
vi.mock('../web/src/i18n/index.ts', () => ({ i18n: { addResourceBundle: () => undefined } }));
// loaded by path so the server's type check does not walk into the web sources
type Bundle = { zh: Tree; en: Tree };
const load = (p: string) => import(/* @vite-ignore */ p) as Promise<Bundle>;
const plans = await load('../web/src/features/plans/i18n.ts');
const collections = await load('../web/src/features/collections/i18n.ts');

type Tree = { [key: string]: string | Tree };

const leafKeys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : leafKeys(v, `${prefix}${k}.`),
  );

const webSources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return webSources(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });

describe('web translations', () => {
  const zh = leafKeys({ ...(zhCN as Tree), plans: plans.zh, coll: collections.zh }).sort();
  const en = leafKeys({ ...(enUS as Tree), plans: plans.en, coll: collections.en }).sort();

  it('has the same keys in zh-CN and en-US', () => {
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
  });

  it('has no empty translation', () => {
    const empty = (tree: Tree) =>
      leafKeys(tree).filter(
        (k) => k.split('.').reduce<Tree | string>((t, p) => (t as Tree)[p]!, tree) === '',
      );
    expect(empty(zhCN as Tree)).toEqual([]);
    expect(empty(enUS as Tree)).toEqual([]);
  });

  it('defines every literal key the components use', () => {
    const root = path.resolve(import.meta.dirname, '../web/src');
    const used = new Set<string>();
    for (const file of webSources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_]+\.[a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/(?:labelKey: '|titleKey=")([a-zA-Z0-9_.]+)/g)) used.add(m[1]!);
    }
    expect([...used].filter((k) => !zh.includes(k)).sort()).toEqual([]);
  });
});
