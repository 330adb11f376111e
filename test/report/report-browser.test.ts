import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateReport } from '../../src/app/report';
import { storeCompliance } from '../../src/app/compliance-store';
import { buildCompliance } from '../../src/engine/compliance';
import { loadRules } from '../../src/engine/load-rules';
import { HOSTILE_NAMES, HOSTILE_VM_NAME, SIMULATION, hostileStore, reportStore } from './report-fixture';

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
    const out = await generateReport(
      { store, clock: fixedClock(new Date('2026-11-02T00:00:00.000Z')), artifacts: folderArtifactStore() },
      { outDir: dir },
    );
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
      ['chart-severity', 'chart-category', 'chart-scores', 'chart-overload', 'chart-downtime', 'chart-trend'].map(
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

  it('ranks the fix-first view by severity, then breadth, and lists the resources of each group with their status', async () => {
    const groups = () =>
      page.$$eval('#fix-first-table tbody tr', (trs) =>
        trs.map((tr) => [
          tr.dataset.key,
          tr.querySelector('.sev')!.textContent,
          (tr as HTMLTableRowElement).cells[4]!.textContent,
        ]),
      );
    expect(await groups()).toEqual([
      ['esxi.shell-disabled', 'critical', '1 resource on 1 host'],
      // Equally severe and broad: the perimeter breach before the hardening gap.
      ['perimeter.cluster', 'high', '1 resource on 1 host'],
      ['hardening.rule-2', 'high', '1 resource on 1 host'],
      ['hardening.rule-7', 'medium', '1 resource on 1 host'],
      ['hardening.rule-4', 'low', '1 resource on 1 host'],
    ]);
    // Waived and resolved findings need no fix.
    await expect(page.locator('#fix-count').textContent()).resolves.toBe('5 fixes');
    await page.selectOption('#fix-group-by', 'remediation');
    expect((await groups()).map((g) => g[0])).toContain(
      'migrate the vm back into pci-cluster or change its perimeter.',
    );
    await page.fill('#fix-search', 'payments-db-copy');
    expect(await groups()).toHaveLength(1);
    await page.fill('#fix-search', '');
    await page.selectOption('#fix-group-by', 'rule');

    const perimeterGroup = page.locator('#fix-first-table tr[data-key="perimeter.cluster"]');
    await perimeterGroup.locator('details.resources summary').click();
    const item = perimeterGroup.locator('ul.group-resources li');
    await expect(item.textContent()).resolves.toBe('vm payments-db-copyopen');
    await item.locator('a').click();
    await page.waitForSelector('#f-fp-3.targeted');
    expect(await page.evaluate(() => location.hash)).toBe('#f-fp-3');
  });

  it('sorts a table by the column clicked, reverses on a second click, and filters the smaller tables', async () => {
    const resources = () =>
      page.$$eval('#findings-table tbody tr', (trs) =>
        trs.map((tr) => (tr as HTMLTableRowElement).cells[4]!.querySelector('.nm')!.textContent),
      );
    const header = page.locator('#findings-table th', { hasText: 'Resource' });
    await header.locator('button').click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    const ascending = await resources();
    expect(ascending).toEqual([...ascending].sort((a, b) => (a!.toLowerCase() < b!.toLowerCase() ? -1 : 1)));
    expect(ascending[0]).toBe(HOSTILE_VM_NAME);
    await header.locator('button').click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('descending');
    expect(await resources()).toEqual([...ascending].reverse());

    const waivedFilter = page.locator('#waived input.table-filter');
    await waivedFilter.fill('nobody@example.com');
    await expect(page.locator('#waived tbody tr').count()).resolves.toBe(0);
    await waivedFilter.fill('OPS@example');
    await expect(page.locator('#waived tbody tr').count()).resolves.toBe(1);

    const severity = page.locator('#findings-table th', { hasText: 'Severity' });
    await severity.locator('button').click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('none');
    const severities = await page.$$eval('#findings-table tbody tr', (trs) => trs.map((tr) => tr.dataset.severity));
    expect(severities).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'low', 'info']);
  });

  it('sorts the static sections’ tables (compliance) by a clicked column, numbers by value, and filters their rows', async () => {
    // The shared fixture has no full audit; this page's store records one's compliance view.
    const store = await reportStore();
    const rule = (id: string, framework: string) => ({
      ...loadRules()[0]!,
      id,
      controls: [{ framework, id: `${id}-c` }],
    });
    const hosts = ['h1', 'h2', 'h3', 'h4'];
    await storeCompliance(
      store,
      buildCompliance({
        at: '2026-11-01T00:00:00.000Z',
        profile: 'scg',
        rules: [rule('r.scg', 'vsphere-8-scg'), rule('r.stig', 'disa-stig'), rule('r.pci', 'pci-dss-4.0')],
        coverage: [
          { ruleId: 'r.scg', resourceIds: hosts },
          { ruleId: 'r.stig', resourceIds: hosts.slice(0, 1) },
          { ruleId: 'r.pci', resourceIds: hosts.slice(0, 3) },
        ],
        findings: [],
        resources: { host: 4, vm: 0, cluster: 0, perimeter: 0 },
      }),
    );
    const out = await generateReport(
      { store, clock: fixedClock(new Date('2026-11-02T00:00:00.000Z')), artifacts: folderArtifactStore() },
      { outDir: join(dir, 'with-compliance') },
    );
    const second = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    second.setDefaultTimeout(240_000);
    try {
      await second.goto(pathToFileURL(join(out.dir, 'report.html')).href);
      await second.waitForSelector('body[data-ready="true"]');
      const table = second.locator('#compliance table').first();
      const column = (i: number) =>
        table.evaluate(
          (t, col) => Array.from((t as HTMLTableElement).tBodies[0]!.rows).map((r) => r.cells[col]!.textContent ?? ''),
          i,
        );
      const headers = table.locator('th button.sort');
      const last = (await headers.count()) - 1;
      expect(last).toBeGreaterThan(0);
      const asNumbers = (values: string[]) => values.map((v) => Number(v.replace(/[,%]/g, '')));
      await headers.nth(last).click();
      const numbers = asNumbers(await column(last));
      expect(numbers.length).toBe(3);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      await headers.nth(last).click();
      expect(asNumbers(await column(last))).toEqual([...numbers].reverse());
      const filter = second.locator('#compliance .filters input').first();
      await filter.fill('stig');
      const shown = await table.evaluate((t) =>
        Array.from((t as HTMLTableElement).tBodies[0]!.rows)
          .filter((r) => !r.hidden)
          .map((r) => r.cells[0]!.textContent),
      );
      expect(shown).toEqual(['DISA STIG']);
    } finally {
      await second.close();
    }
  });

  it('opens report.html#f-<fingerprint> at that finding, highlighted, even when filters hid it', async () => {
    const url = `${page.url().split('#')[0]}#f-fp-4`;
    const linked = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    linked.setDefaultTimeout(240_000);
    try {
      await linked.goto(url);
      await linked.waitForSelector('body[data-ready="true"]');
      const target = await linked.evaluate(() => {
        const tr = document.getElementById('f-fp-4')!;
        const box = tr.getBoundingClientRect();
        return {
          targeted: tr.classList.contains('targeted'),
          inView: box.top >= 0 && box.bottom <= window.innerHeight,
          open: tr.querySelector('details')!.open,
          focused: document.activeElement === tr,
        };
      });
      expect(target).toEqual({ targeted: true, inView: true, open: true, focused: true });

      await linked.selectOption('#filter-status', 'waived');
      await expect(linked.locator('#f-fp-1').count()).resolves.toBe(0);
      await linked.evaluate(() => {
        location.hash = '#f-fp-1';
      });
      await linked.waitForSelector('#f-fp-1.targeted');
      await expect(linked.locator('#filter-status').inputValue()).resolves.toBe('');
      await expect(linked.locator('tr.targeted').count()).resolves.toBe(1);

      await linked.evaluate(() => {
        location.hash = '#f-not-in-this-report';
      });
      await linked.waitForSelector('#anchor-note:not([hidden])');
      await expect(linked.locator('#anchor-note').textContent()).resolves.toContain('not-in-this-report');
    } finally {
      await linked.close();
    }
  });

  it('opens the findings of a host when its tile is clicked, and explains its risk', async () => {
    const tile = page.locator('#heatmap .heat[data-host="esx-02"]');
    await expect(tile.getAttribute('title')).resolves.toContain('risk 12 = 2 high × 5 + 1 medium × 2');
    await expect(page.locator('#risk-explained').textContent()).resolves.toContain(
      'Risk = 10 × critical + 5 × high + 2 × medium + 1 × low',
    );
    await tile.click();
    await expect(page.locator('#filter-host').inputValue()).resolves.toBe('esx-02');
    const resources = await page.$$eval('#findings-table tbody tr', (trs) => trs.map((tr) => tr.id).sort());
    expect(resources).toEqual(['f-fp-2', 'f-fp-3', 'f-fp-7']);
    await page.selectOption('#filter-host', '');
  });

  it('labels both axes of every chart with what it counts and its unit', async () => {
    const titles = await page.evaluate(() => {
      const chartGlobal = (
        window as unknown as {
          Chart: {
            getChart(id: string):
              | {
                  options: {
                    scales: Record<string, { title: { text: string } }>;
                    plugins: { title: { text: string } };
                  };
                }
              | undefined;
          };
        }
      ).Chart;
      return [
        'chart-severity',
        'chart-category',
        'chart-scores',
        'chart-overload',
        'chart-downtime',
        'chart-trend',
      ].map((id) => {
        const c = chartGlobal.getChart(id)!;
        return [c.options.plugins.title.text, c.options.scales.x!.title.text, c.options.scales.y!.title.text];
      });
    });
    expect(titles).toEqual([
      ['Open findings by severity', 'Severity', 'Open findings (count)'],
      ['Open findings by category', 'Category', 'Open findings (count)'],
      ['Simulation score per host, highest 25', 'Simulation score (0–100, higher is riskier)', 'Host'],
      ['Overloaded hosts per step (5-minute steps)', 'Time of day (UTC)', 'Overloaded hosts (count)'],
      ['Expected downtime per application (hours per year), most first', 'Application', 'Downtime (hours/year)'],
      ['Open findings per run', 'Report run (UTC)', 'Open findings (count)'],
    ]);
    await expect(page.locator('#energy-card').textContent()).resolves.toContain('123.4 kWh');
  });

  it('says why there is no energy figure when no host has a power curve, and shows no card', async () => {
    const store = await reportStore();
    await store.putMeta('simulation/latest', {
      ...SIMULATION,
      fleet: { ...SIMULATION.fleet, energyKWh: 0, hostsWithoutPowerCurve: 2 },
    });
    const noCurveDir = join(dir, 'no-curve');
    await generateReport({ store, clock: systemClock, artifacts: folderArtifactStore() }, { outDir: noCurveDir });
    const p = await browser.newPage();
    p.setDefaultTimeout(240_000);
    try {
      await p.goto(pathToFileURL(join(noCurveDir, 'report.html')).href);
      await p.waitForSelector('body[data-ready="true"]');
      await expect(p.locator('#energy-card').count()).resolves.toBe(0);
      await expect(p.locator('#simulation').textContent()).resolves.not.toContain('kWh');
      await expect(p.locator('#energy-missing').textContent()).resolves.toContain(
        'none of the 2 simulated hosts has a SPECpower curve',
      );
    } finally {
      await p.close();
    }
  });

  it('keeps every name whole on hover, breaking long names only after their separators', async () => {
    const names = await page.$$eval('.nm', (spans) =>
      spans.map((s) => ({
        title: s.getAttribute('title'),
        text: s.textContent,
        breaks: s.querySelectorAll('wbr').length,
      })),
    );
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(n.title!.startsWith(n.text!)).toBe(true);
    const host = names.find((n) => n.text === 'esx-01.lab')!;
    expect(host.breaks).toBe(2);
  });

  it('shows a script-bearing VM name as text and never runs it', async () => {
    const result = await page.evaluate(
      (name) => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        shownAsText: Array.from(document.querySelectorAll('td .nm')).some((n) => n.textContent === name),
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
    await generateReport(
      {
        store: await hostileStore(),
        clock: fixedClock(new Date('2026-11-02T00:00:00.000Z')),
        artifacts: folderArtifactStore(),
      },
      { outDir: hostileDir },
    );
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
    await generateReport({ store, clock: systemClock, artifacts: folderArtifactStore() }, { outDir: bigDir });
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
      await big.click('#findings button.more');
      expect(await rows()).toBe(1000);
      await big.fill('#search', 'bulk-vm-1199');
      expect(await rows()).toBe(1);
      await expect(big.locator('#findings button.more').isHidden()).resolves.toBe(true);
      // A link to a finding beyond the rows listed lists enough rows to show it (bulk-vm-999 sorts last).
      await big.fill('#search', '');
      await big.evaluate(() => {
        location.hash = '#f-bulk-999';
      });
      await big.waitForSelector('#f-bulk-999.targeted');
      expect(await rows()).toBe(1207);
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
