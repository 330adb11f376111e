import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateReport } from '../../src/app/report';
import { HOSTILE_NAMES, HOSTILE_VM_NAME, hostileStore, reportStore } from './report-fixture';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.HYPERAUDIT_REQUIRE_CHROMIUM === '1';
const available = existsSync(CHROMIUM);
if (!available && !required)
  console.warn(
    `report browser tests skipped: ${CHROMIUM} not found (set HYPERAUDIT_REQUIRE_CHROMIUM=1 to fail instead)`,
  );

describe.skipIf(!available && !required)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`HYPERAUDIT_REQUIRE_CHROMIUM=1 but ${CHROMIUM} does not exist`);
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-report-'));
    const store = await reportStore();
    const out = await generateReport(store, { outDir: dir, now: new Date('2026-11-02T00:00:00.000Z') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Playwright's 30 s default is too short for a loaded 2-core CI box; this only catches hangs.
    page.setDefaultTimeout(240_000);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request to ${r.url()}`);
    });
    await page.goto(pathToFileURL(join(out.dir, 'report.html')).href);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const visibleRows = () => page.locator('#findings-table tbody tr:not([hidden])').count();

  it('renders the summary and every section without errors, CSP violations or network requests', async () => {
    await expect(page.locator('#summary-cards .card').count()).resolves.toBeGreaterThan(5);
    await expect(page.locator('#heatmap .heat').count()).resolves.toBe(3);
    await expect(page.locator('#perimeter').textContent()).resolves.toContain(
      'drs migration host esx-01 → esx-02 (event m1)',
    );
    await expect(page.locator('#waived').textContent()).resolves.toContain('ops@example.com');
    await expect(page.locator('#findings-table').textContent()).resolves.toContain('Set isolation.tools.1 to true.');
    expect(problems).toEqual([]);
  });

  it('draws every chart on its canvas', async () => {
    const charts = await page.evaluate(() =>
      ['chart-severity', 'chart-category', 'chart-scores', 'chart-overload', 'chart-availability', 'chart-trend'].map(
        (id) => {
          const canvas = document.getElementById(id) as HTMLCanvasElement | null;
          if (!canvas) return { id, drawn: 0, registered: false };
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          let drawn = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++;
          const chartGlobal = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
          return { id, drawn, registered: chartGlobal.getChart(canvas) !== undefined };
        },
      ),
    );
    for (const c of charts) {
      expect(c.registered, c.id).toBe(true);
      expect(c.drawn, c.id).toBeGreaterThan(500);
    }
  });

  it('narrows the findings table by severity, category, status and search', async () => {
    const all = await visibleRows();
    expect(all).toBe(7);
    await page.selectOption('#filter-severity', 'high');
    expect(await visibleRows()).toBe(3);
    await page.selectOption('#filter-severity', '');
    await page.selectOption('#filter-category', 'perimeter');
    expect(await visibleRows()).toBe(1);
    await page.selectOption('#filter-category', '');
    await page.selectOption('#filter-status', 'waived');
    expect(await visibleRows()).toBe(1);
    await page.selectOption('#filter-status', '');
    await page.fill('#search', 'payments-db-copy');
    expect(await visibleRows()).toBe(1);
    await expect(page.locator('#visible-count').textContent()).resolves.toBe('1 of 7 findings shown');
    await page.fill('#search', '');
    expect(await visibleRows()).toBe(all);
  });

  it('shows a script-bearing VM name as text and never runs it', async () => {
    const result = await page.evaluate(
      (name) => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        shownAsText: Array.from(document.querySelectorAll('td')).some((td) => td.textContent === name),
        hostAsText: Array.from(document.querySelectorAll('.heat .name')).some(
          (n) => n.textContent === '</script><b>host</b>',
        ),
      }),
      HOSTILE_VM_NAME,
    );
    expect(result).toEqual({ pwned: undefined, images: 0, scripts: 3, shownAsText: true, hostAsText: true });
  });

  it('renders hostile names (markup, Slack syntax, formulas, control characters, 60k characters) as inert text', async () => {
    const hostileDir = join(dir, 'hostile');
    await generateReport(await hostileStore(), { outDir: hostileDir, now: new Date('2026-11-02T00:00:00.000Z') });
    const hostilePage = await browser.newPage();
    hostilePage.setDefaultTimeout(240_000);
    const errors: string[] = [];
    hostilePage.on('pageerror', (e) => errors.push(e.message));
    hostilePage.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await hostilePage.goto(pathToFileURL(join(hostileDir, 'report.html')).href);
      await hostilePage.waitForSelector('body[data-ready="true"]');
      const seen = await hostilePage.evaluate((names) => {
        const cells = Array.from(document.querySelectorAll('#findings-table td')).map((td) => td.textContent ?? '');
        return {
          pwned: (window as unknown as { __pwned?: number }).__pwned,
          active: document.querySelectorAll('img, svg, iframe, script:not([id="report-data"]):not(:not([src]))').length,
          scripts: document.querySelectorAll('script').length,
          rows: document.querySelectorAll('#findings-table tbody tr').length,
          missing: names.filter((n) => !cells.some((c) => c.includes(n.slice(0, 1000)))).map((n) => n.slice(0, 40)),
        };
      }, HOSTILE_NAMES);
      expect(seen).toEqual({ pwned: undefined, active: 0, scripts: 3, rows: HOSTILE_NAMES.length, missing: [] });
      await hostilePage.fill('#search', 'a'.repeat(50_000));
      expect(await hostilePage.locator('#findings-table tbody tr:not([hidden])').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await hostilePage.close();
    }
  });

  it('lists a large result 500 rows at a time while filters and search still see every finding', async () => {
    const store = await reportStore();
    const many = (await store.listFindings()).filter((f) => f.status === 'open').slice(0, 1);
    await store.putFindings(
      Array.from({ length: 1200 }, (_, i) => ({
        ...many[0]!,
        fingerprint: `bulk-${i}`,
        resourceId: `bulk-vm-${i}`,
        resourceName: `bulk-vm-${i}`,
      })),
    );
    const bigDir = join(dir, 'big');
    await generateReport(store, { outDir: bigDir });
    const big = await browser.newPage();
    big.setDefaultTimeout(240_000);
    try {
      await big.goto(pathToFileURL(join(bigDir, 'report.html')).href);
      await big.waitForSelector('body[data-ready="true"]');
      const rows = () => big.locator('#findings-table tbody tr').count();
      expect(await rows()).toBe(500);
      await expect(big.locator('#visible-count').textContent()).resolves.toBe(
        '1207 of 1207 findings shown (first 500 listed)',
      );
      await big.click('#findings button');
      expect(await rows()).toBe(1000);
      await big.fill('#search', 'bulk-vm-1199');
      expect(await rows()).toBe(1);
      await expect(big.locator('#findings button').isHidden()).resolves.toBe(true);
    } finally {
      await big.close();
    }
  });

  it('saves a screenshot of the page', async () => {
    await mkdir('test-output', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    const png = await page.screenshot({ path: 'test-output/report.png', fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(existsSync('test-output/report.png')).toBe(true);
  });
});
