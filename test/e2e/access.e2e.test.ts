import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, launchBrowser, screenshot, signIn } from './support/browser.js';

const base = inject('baseUrl');

describe('county scope in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('a county manager sees only their county and gets 403 on another county', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, base, 'c01');
    await page.goto(`${base}/dashboard?month=2026-10`);
    await expect.poll(() => page.getByTestId('current-scope').innerText()).toContain('C01');
    // the figures are C01's, not the city's: compare with the API as a city-wide user sees them
    const city = await apiAs(base, 'city');
    const value = async (county?: string) => {
      const q = `/api/metrics/active_subscribers?at=2026-10-31${county ? `&county=${county}` : ''}`;
      const body = (await (await city.get(q)).json()) as { rows: { value: number }[] };
      return body.rows[0]?.value ?? -1;
    };
    const [own, whole] = [await value('C01'), await value()];
    expect(own).toBeLessThan(whole);
    const card = page.getByTestId('kpi-active_subscribers');
    const shown = async () => Number((/([\d,]+)/.exec(await card.innerText())?.[1] ?? '').replace(/,/g, ''));
    await expect.poll(shown).toBe(own);
    // no other county anywhere on the page
    const text = await page.locator('main').innerText();
    for (const other of ['C02', 'C03', 'C10']) expect(text).not.toContain(other);
    await screenshot(page, 'dashboard-county-manager');

    // URL tampering from the signed-in page: another county is refused by the server
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/metrics/new_installs?from=2026-10-01&to=2026-10-31&by=county&county=C02');
      return r.status;
    });
    expect(status).toBe(403);
    const exportStatus = await page.evaluate(async () => {
      const r = await fetch(
        '/api/metrics/new_installs?from=2026-10-01&to=2026-10-31&by=county&county=C02&format=xlsx',
      );
      return r.status;
    });
    expect(exportStatus).toBe(403);
    await page.close();
  });

  it("another county's subscriber page is refused", async () => {
    const city = await apiAs(base, 'city');
    const found = (await (await city.get('/api/subscribers?q=&county=C02&pageSize=1')).json()) as {
      rows: { subscriberId?: string; subscriber_id?: string }[];
    };
    const id = found.rows[0]?.subscriberId ?? found.rows[0]?.subscriber_id;
    expect(id).toBeTruthy();
    const c01 = await apiAs(base, 'c01');
    expect((await c01.get(`/api/subscribers/${id}`)).status).toBe(403);
    expect((await city.get(`/api/subscribers/${id}`)).status).toBe(200);
  });

  it('switches the language and keeps it after a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, base, 'city');
    await page.goto(`${base}/dashboard?month=2026-10`);
    const menu = page.getByTestId('main-menu');
    await expect.poll(() => menu.innerText()).toContain('经营看板');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => menu.innerText()).toContain('Dashboard');
    await page.reload();
    await expect.poll(() => page.getByTestId('main-menu').innerText()).toContain('Dashboard');
    await screenshot(page, 'dashboard-en');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('main-menu').innerText()).toContain('经营看板');
    await page.close();
  });
});
