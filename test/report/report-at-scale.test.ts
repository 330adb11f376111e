import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { renderReport } from '../../src/app/report';
import { fingerprint } from '../../src/engine/fingerprint';
import type { Finding } from '../../src/model/finding';
import { artifactText } from '../../src/store/artifacts/artifact-store';
import { MemoryStore } from '../../src/store/memory-store';
import { listedFindings, UNVERIFIED_LISTED_PER_RULE } from '../../src/report/html/listed-findings';
import type { ReportData } from '../../src/report/html/report-data';

function finding(ruleId: string, i: number, status: Finding['status']): Finding {
  return {
    fingerprint: fingerprint(ruleId, 'vm', `vm-${i}`),
    ruleId,
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `vm-${String(i).padStart(4, '0')}`,
    title: ruleId,
    evidence: {},
    controls: [],
    remediation: 'collect it',
    status,
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-01T00:00:00.000Z',
    ...(status === 'unverified' && { verify: { missing: ['setting:x'], collect: ['VMX settings'] } }),
  };
}

/** 3 rules × 100 unverified findings and 10 open ones. */
function manyUnverified(): Finding[] {
  const out: Finding[] = [];
  for (const rule of ['vm.a', 'vm.b', 'vm.c']) for (let i = 0; i < 100; i++) out.push(finding(rule, i, 'unverified'));
  for (let i = 0; i < 10; i++) out.push(finding('vm.open', i, 'open'));
  return out;
}

describe('Function: listedFindings', () => {
  it('lists every finding that is not unverified and the first few unverified ones of each rule, counting the rest', () => {
    const { listed, unlisted } = listedFindings(manyUnverified());
    expect(listed.filter((f) => f.status === 'open')).toHaveLength(10);
    for (const rule of ['vm.a', 'vm.b', 'vm.c'])
      expect(listed.filter((f) => f.ruleId === rule).map((f) => f.resourceId)).toEqual(
        Array.from({ length: UNVERIFIED_LISTED_PER_RULE }, (_, i) => `vm-${String(i).padStart(4, '0')}`),
      );
    expect(unlisted).toBe(3 * (100 - UNVERIFIED_LISTED_PER_RULE));
  });
});

describe('Function: renderReport with many unverified findings', () => {
  it('counts every finding, lists a bounded page, and puts all of them in findings.csv', async () => {
    const store = new MemoryStore();
    await store.putFindings(manyUnverified());
    const { files, data } = await renderReport(store, { now: new Date('2026-12-02T00:00:00.000Z') });
    expect(data.summary.unverified).toBe(300);
    expect(data.summary.openTotal).toBe(10);
    expect(data.findings).toHaveLength(10 + 3 * UNVERIFIED_LISTED_PER_RULE);
    expect(data.unlistedUnverified).toBe(300 - 3 * UNVERIFIED_LISTED_PER_RULE);
    const json = JSON.parse(artifactText(files.find((f) => f.name === 'report.json')!)) as ReportData;
    expect(json.findings).toHaveLength(data.findings.length);
    const html = artifactText(files.find((f) => f.name === 'report.html')!);
    expect(html).toContain(`the other ${data.unlistedUnverified} are in <code>findings.csv</code>`);
    const csvFile = files.find((f) => f.name === 'findings.csv')!;
    expect(typeof csvFile.body).not.toBe('string');
    const rows = parse(artifactText(csvFile), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(310);
    // Open first, then the rest by rule and resource, as the page orders them.
    expect(rows[0]!.status).toBe('open');
    expect(rows.at(-1)).toMatchObject({ ruleId: 'vm.c', resourceId: 'vm-0099', status: 'unverified' });
    // Read twice (report folder and `latest`), the pieces give the same file.
    expect(artifactText(csvFile)).toBe(artifactText(csvFile));
  });

  it('leaves out the audit formats with a warning above the limit its caller sets (a store that sends one body)', async () => {
    const store = new MemoryStore();
    await store.putFindings(manyUnverified());
    const formats = [{ fileName: 'findings.sarif', render: () => '{}' }];
    const over = await renderReport(store, { now: new Date(), formats, auditFormatsMaxFindings: 309 });
    expect(over.files.map((f) => f.name)).not.toContain('findings.sarif');
    expect(over.warnings).toEqual([expect.stringMatching(/^findings\.sarif not written: 310 current findings/)]);
    const under = await renderReport(store, { now: new Date(), formats, auditFormatsMaxFindings: 310 });
    expect(under.files.map((f) => f.name)).toContain('findings.sarif');
    expect(under.warnings).toEqual([]);
  });

  it('writes the audit formats at any number of findings when the caller sets no limit (they are streamed)', async () => {
    const store = new MemoryStore();
    await store.putFindings(manyUnverified());
    const formats = [{ fileName: 'findings.sarif', render: () => ['{', '}'] }];
    const rendered = await renderReport(store, { now: new Date(), formats });
    expect(artifactText(rendered.files.find((f) => f.name === 'findings.sarif')!)).toBe('{}');
    expect(rendered.warnings).toEqual([]);
  });
});
