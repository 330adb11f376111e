import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReportData } from '../../src/report/html/build-report-data';
import { renderReportHtml, scriptSafeJson } from '../../src/report/html/render-html';
import { FINDINGS, HOSTILE_VM_NAME, reportStore } from './report-fixture';

describe('scriptSafeJson', () => {
  it('never emits <, > or & and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, name) => {
        const doc = { value, name };
        const text = scriptSafeJson(doc);
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });
});

describe('renderReportHtml', () => {
  async function html() {
    const store = await reportStore();
    return renderReportHtml(
      buildReportData({
        generatedAt: '2026-11-02T00:00:00.000Z',
        findings: FINDINGS,
        fleet: await store.loadFleet(),
        trend: [],
      }),
    );
  }

  it('contains exactly the three script elements it wrote, whatever the names hold', async () => {
    const page = await html();
    expect(page.match(/<script/gi)).toHaveLength(3);
    expect(page.match(/<\/script/gi)).toHaveLength(3);
    expect(page).not.toContain(HOSTILE_VM_NAME);
    expect(page).not.toContain('<img');
  });

  it('allows by CSP hash exactly the inline scripts and stylesheet on the page, and nothing from the network', async () => {
    const page = await html();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    expect(csp).toContain("default-src 'none'");
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(2);
    for (const source of inline)
      expect(csp).toContain(`'sha256-${createHash('sha256').update(source).digest('base64')}'`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page).not.toMatch(/\s(src|href)=["']?https?:/i);
  });
});
