import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, launchBrowser, screenshot, signIn } from './support/browser.js';

const base = inject('baseUrl');

const COUNTIES = ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C09', 'C10'];
const AT = '2026-10-31';

type Rate = { value: number | null; numerator: number; denominator: number };
type ProgressRow = {
  county: string;
  annual: number;
  plan_to_date: number;
  actual_ytd: number;
  gap_to_schedule: number;
  completion_rate: Rate;
  time_progress: Rate;
  schedule_attainment: Rate;
  rank: number;
  light: 'green' | 'amber' | 'red' | null;
};
type PlanVersion = {
  plan_id: number;
  metric: string;
  status: string;
  annual: number;
  published_by: string | null;
};

/** As the page formats them: 1,234 for counts, 98.12% for rates (web/src/lib/format.ts). */
const count = (n: number): string =>
  `${n < 0 ? '-' : ''}${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
const pct = (r: Rate): string => (r.value === null ? '—' : `${(r.value * 100).toFixed(2)}%`);

/** Page errors and console errors, so a page that "works" but throws is caught. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

describe('plans in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('city staff create, preview, publish a 2026 new_installs plan and see the ranked progress', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, base, 'city');
    // watched from here: the one expected error is the 401 of /api/auth/me before sign-in
    const problems = watch(page);
    const city = await apiAs(base, 'city');

    // create through the form: annual 1200, split by households, equal months
    await page.goto(`${base}/plans?tab=versions`);
    await page.getByTestId('plan-create').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('plan-metric').innerText()).toContain('新装量');
    expect(await dialog.getByTestId('plan-method').innerText()).toContain('按户数');
    await expect
      .poll(() => dialog.getByTestId('plan-distribution').locator('input:checked').getAttribute('value'))
      .toBe('equal');
    await dialog.getByTestId('plan-annual').fill('1200');

    // what-if: the three methods side by side, each the server's split
    await dialog.getByTestId('plan-preview').click();
    const whatIf = dialog.getByTestId('what-if-table');
    await whatIf.waitFor();
    const preview = (await (
      await city.post('/api/plans/preview', {
        year: 2026,
        metric: 'new_installs',
        product: null,
        annual: 1200,
        distribution: { kind: 'equal' },
        methods: [
          { method: 'households' },
          { method: 'last_year' },
          { method: 'blend', parts: { last_year: '0.6', households: '0.4' } },
        ],
      })
    ).json()) as { methods: { ok: boolean; counties: { county: string; annual: number }[] }[] };
    expect(preview.methods.every((m) => m.ok)).toBe(true);
    for (const method of preview.methods) {
      expect(method.counties.reduce((s, c) => s + c.annual, 0)).toBe(1200);
    }
    const whatIfRows = whatIf.locator('tbody tr.ant-table-row');
    await expect.poll(() => whatIfRows.count()).toBe(10);
    for (const [i, code] of COUNTIES.entries()) {
      const cells = await whatIfRows.nth(i).locator('td').allInnerTexts();
      expect(cells[0]).toContain(code);
      expect(cells.slice(1)).toEqual(
        preview.methods.map((m) => count(m.counties.find((c) => c.county === code)?.annual ?? NaN)),
      );
    }

    await dialog.getByTestId('plan-save').click();
    await dialog.waitFor({ state: 'hidden' });

    const drafts = (await (
      await city.get('/api/plans?year=2026&metric=new_installs')
    ).json()) as PlanVersion[];
    const draft = drafts.find((v) => v.status === 'draft');
    expect(draft).toMatchObject({ annual: 1200, status: 'draft' });
    const id = draft?.plan_id ?? 0;
    await expect.poll(() => page.getByTestId(`plan-status-${id}`).getAttribute('data-status')).toBe('draft');

    // publish from the versions table
    await page.getByTestId(`publish-${id}`).click();
    await expect
      .poll(() => page.getByTestId(`plan-status-${id}`).getAttribute('data-status'))
      .toBe('published');
    const after = (await (
      await city.get('/api/plans?year=2026&metric=new_installs')
    ).json()) as PlanVersion[];
    expect(after.find((v) => v.plan_id === id)).toMatchObject({ status: 'published', published_by: 'city' });

    // the county split of the published version
    await page.getByTestId(`plan-status-${id}`).click();
    const detail = page.getByTestId('plan-detail-table');
    await detail.waitFor();
    await expect.poll(() => detail.locator('tbody tr.ant-table-row').count()).toBe(10);

    // progress at 2026-10-31: ten counties ranked 1..10, the same figures as the API
    await page.goto(`${base}/plans?tab=progress&metric=new_installs&at=${AT}`);
    const table = page.getByTestId('progress-table');
    await page.getByTestId('progress-rank-C01').waitFor();
    const api = (await (
      await city.get(`/api/plans/progress?year=2026&metric=new_installs&at=${AT}`)
    ).json()) as { date_used: string; plan: { plan_id: number }; rows: ProgressRow[] };
    expect(api.plan.plan_id).toBe(id);
    expect(api.date_used).toBe(AT);
    expect(api.rows.map((r) => r.county).sort()).toEqual(COUNTIES);
    expect(api.rows.reduce((s, r) => s + r.annual, 0)).toBe(1200);

    const rows = table.locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(10);
    const byRank = [...api.rows].sort((a, b) => a.rank - b.rank);
    expect(byRank.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, r] of byRank.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      expect(cells[0]).toBe(String(i + 1));
      expect(cells[1]).toContain(r.county);
      expect(cells.slice(2, 9)).toEqual([
        count(r.annual),
        count(r.plan_to_date),
        count(r.actual_ytd),
        count(r.gap_to_schedule),
        pct(r.completion_rate),
        pct(r.time_progress),
        pct(r.schedule_attainment),
      ]);
      expect(await page.getByTestId(`progress-light-${r.county}`).getAttribute('data-light')).toBe(r.light);
    }
    // 2026-10-31 is day 304 of 365
    expect(byRank[0]?.time_progress).toMatchObject({ numerator: 304, denominator: 365 });
    await page.getByTestId('cumulative-chart').waitFor();
    await screenshot(page, 'plans-progress');

    // English: the same page translated, figures unchanged
    await page.getByTestId('language-switch').click();
    await expect
      .poll(() => page.getByRole('heading', { level: 3 }).innerText())
      .toBe('Plans and schedule progress');
    const header = await table.locator('thead').innerText();
    for (const label of [
      'Rank',
      'County',
      'Annual target',
      'Plan to date',
      'Actual YTD',
      'Schedule attainment',
      'Status',
    ]) {
      expect(header).toContain(label);
    }
    expect(header).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('progress-caption').innerText()).toContain(`Figures at ${AT}`);
    const lightTexts = await table.locator('[data-light]').allInnerTexts();
    expect(lightTexts.length).toBe(10);
    for (const text of lightTexts) expect(['On track', 'Close', 'Behind']).toContain(text);
    expect(await rows.nth(0).locator('td').nth(0).innerText()).toBe('1');
    await screenshot(page, 'plans-progress-en');
    await page.getByTestId('language-switch').click();

    expect(problems).toEqual([]);
    await page.close();
  });

  it('a county manager sees the plan read-only; the leader gets no write buttons', async () => {
    for (const user of ['c01', 'leader']) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await signIn(page, base, user);
      const problems = watch(page);
      await page.goto(`${base}/plans?tab=progress&metric=new_installs&at=${AT}`);
      await page.getByTestId('progress-rank-C01').waitFor();
      const shown = await page.getByTestId('progress-table').locator('tbody tr.ant-table-row').count();
      // county scope: c01 sees its own row only (with its city rank), the leader all ten
      expect(shown).toBe(user === 'c01' ? 1 : 10);
      await page.goto(`${base}/plans?tab=versions`);
      await page.getByTestId('versions-table').locator('tbody tr.ant-table-row').first().waitFor();
      expect(await page.getByTestId('plan-create').count()).toBe(0);
      expect(await page.locator('[data-testid^="publish-"]').count()).toBe(0);
      expect(problems).toEqual([]);
      await page.close();
    }
    const c01 = await apiAs(base, 'c01');
    const res = await c01.post('/api/plans', {
      year: 2026,
      metric: 'net_adds',
      annual: 10,
      weights: { method: 'households' },
    });
    expect(res.status).toBe(403);
  });

  it('city staff revise a published plan and compare the two versions side by side', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, base, 'city');
    const problems = watch(page);
    const city = await apiAs(base, 'city');

    // version 1: a published 2026 net_adds plan of 100, split by households, equal months
    const created = await city.post('/api/plans', {
      year: 2026,
      metric: 'net_adds',
      product: null,
      annual: 100,
      weights: { method: 'households' },
      distribution: { kind: 'equal' },
      publish: true,
    });
    expect(created.status).toBe(201);
    const v1 = (await created.json()) as PlanVersion & { version: number };

    // version 2 through the revise form: 160, all months re-split
    await page.goto(`${base}/plans?tab=versions`);
    const row1 = page.locator(`tr[data-row-key="${v1.plan_id}"]`);
    await row1.getByRole('button', { name: '修订' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // the product line of a revision is the base plan's, not editable
    expect(await dialog.getByTestId('plan-product').innerText()).toContain('全部');
    await dialog.getByTestId('plan-annual').fill('160');
    await dialog.getByLabel('全部月份重新分解').check();
    await dialog.getByTestId('plan-save').click();
    await dialog.waitFor({ state: 'hidden' });
    const versions = (await (
      await city.get('/api/plans?year=2026&metric=net_adds')
    ).json()) as (PlanVersion & { version: number })[];
    const v2 = versions.find((v) => v.plan_id !== v1.plan_id);
    expect(v2).toMatchObject({ annual: 160, status: 'draft', version: v1.version + 1 });
    const v2id = v2?.plan_id ?? 0;
    await expect
      .poll(() => page.getByTestId(`plan-status-${v2id}`).getAttribute('data-status'))
      .toBe('draft');

    // tick both versions and compare: A = v1, B = v2, the same figures as the API
    await page.getByTestId('plan-compare').waitFor();
    expect(await page.getByTestId('plan-compare').isDisabled()).toBe(true);
    await row1.locator('input[type=checkbox]').check();
    await page.locator(`tr[data-row-key="${v2id}"] input[type=checkbox]`).check();
    await page.getByTestId('plan-compare').click();
    const card = page.getByTestId('compare-card');
    await card.waitFor();
    await expect
      .poll(() => page.getByTestId('compare-total').innerText())
      .toBe('城市年度目标：A 100 → B 160（差额 60）');
    const title = await card.locator('.ant-card-head-title').innerText();
    expect(title).toContain(`A = v${v1.version}`);
    expect(title).toContain(`B = v${v1.version + 1}`);
    const api = (await (await city.get(`/api/plans/compare?a=${v1.plan_id}&b=${v2id}`)).json()) as {
      counties: { county: string; a: number; b: number; diff: number }[];
    };
    expect(api.counties.map((c) => c.county)).toEqual(COUNTIES);
    expect(api.counties.reduce((s, c) => s + c.a, 0)).toBe(100);
    expect(api.counties.reduce((s, c) => s + c.b, 0)).toBe(160);
    await expect.poll(() => card.locator('tbody tr.ant-table-row').count()).toBe(10);
    for (const c of api.counties) {
      const text = await page.getByTestId(`compare-annual-${c.county}`).innerText();
      expect(text).toContain(`${count(c.a)} → ${count(c.b)}`);
      if (c.diff !== 0) expect(text).toContain(`${c.diff > 0 ? '+' : ''}${count(c.diff)}`);
    }
    await screenshot(page, 'plans-compare');

    expect(problems).toEqual([]);
    await page.close();
  });
});
