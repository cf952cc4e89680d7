import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn } from './support/browser.js';

const base = inject('baseUrl');
const workDir = inject('workDir');

/** A subscribers extract as the BSS writes it: GBK, Chinese headers. */
function writeGbkSubscribers(file: string): void {
  const lines = [
    '用户编码,账户编码,客户名称,县区编码,产品编码,套餐编码,装机日期,用户状态',
    'E2E0000001,A-E2E-1,王小明,C01,BB,BB100M,2026/5/1,正常',
    'E2E0000002,A-E2E-2,李四,C01,BB,BB300M,2026-05-02,正常',
    'E2E0000003,A-E2E-3,赵六,C01,FL,FLM20,20260503,正常',
  ];
  fs.writeFileSync(file, iconv.encode(lines.join('\r\n') + '\r\n', 'gbk'));
}

async function upload(page: Page, file: string): Promise<string> {
  await page.goto(`${base}/imports`);
  await page.locator('input[type=file]').first().setInputFiles(file);
  await page.getByTestId('import-start').click();
  const result = page.getByTestId('import-result').last();
  await expect
    .poll(async () => result.getAttribute('data-status'), { timeout: 90_000 })
    .toMatch(/^(imported|partial|rejected|already_imported|failed)$/);
  return (await result.getAttribute('data-status')) ?? '';
}

async function kpi(page: Page, id: string): Promise<string> {
  const card = page.getByTestId(`kpi-${id}`);
  await card.waitFor();
  await expect.poll(async () => /\d/.test(await card.innerText())).toBe(true);
  return card.innerText();
}

describe('import centre and exports in the browser', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    await signIn(page, base, 'city');
  });
  afterAll(async () => browser?.close());

  it('imports a GBK CSV and the dashboard changes', async () => {
    const pkgCheck = await page.evaluate(async () => (await fetch('/api/reference')).status);
    expect(pkgCheck).toBe(200);
    await page.goto(`${base}/dashboard?month=2026-10&county=C01`);
    const before = await kpi(page, 'active_subscribers');

    const file = path.join(workDir, '用户资料-e2e.csv');
    writeGbkSubscribers(file);
    expect(await upload(page, file)).toBe('imported');
    expect(await page.getByTestId('import-count-inserted').innerText()).toBe('3');
    await screenshot(page, 'imports-gbk');

    await page.goto(`${base}/dashboard?month=2026-10&county=C01`);
    const num = (s: string) => Number((/([\d,]+)/.exec(s)?.[1] ?? '').replace(/,/g, ''));
    await expect.poll(async () => num(await kpi(page, 'active_subscribers'))).toBe(num(before) + 3);
  });

  it('shows the row errors of a rejected file', async () => {
    const file = path.join(workDir, 'payments-bad.csv');
    fs.writeFileSync(
      file,
      'payment_id,subscriber_id,bill_month,paid_at,amount,channel\nE2EP1,E2E0000001,2026-10,2026-11-02 10:00,12.345,cash\n',
    );
    expect(await upload(page, file)).toBe('rejected');
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    const text = await errors.innerText();
    expect(text).toContain('12.345');
    expect(text).toContain('金额最多两位小数');
    await screenshot(page, 'imports-rejected');
  });

  it('exports a metric answer as .xlsx that Excel readers open', async () => {
    await page.goto(`${base}/explorer?metric=new_installs&from=2026-01-01&to=2026-10-31&by=county`);
    await page.getByTestId('explorer-table').waitFor();
    await expect.poll(() => page.getByTestId('explorer-row').count()).toBe(10);
    await screenshot(page, 'explorer');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-xlsx').click(),
    ]);
    const file = path.join(workDir, 'export.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const rows: { texts: string[]; numbers: number }[] = [];
    ws.eachRow((row) => {
      const texts: string[] = [];
      let numbers = 0;
      row.eachCell((cell) => {
        texts.push(cell.text);
        if (typeof cell.value === 'number') numbers++;
      });
      rows.push({ texts, numbers });
    });
    const header = rows.findIndex((r) => r.texts.some((t) => /县区|County/.test(t)));
    expect(header).toBeGreaterThanOrEqual(0);
    const data = rows.slice(header + 1);
    expect(data.map((r) => r.texts[0])).toEqual([
      'C01',
      'C02',
      'C03',
      'C04',
      'C05',
      'C06',
      'C07',
      'C08',
      'C09',
      'C10',
    ]);
    expect(data.every((r) => r.numbers === 1)).toBe(true);
  });
});
