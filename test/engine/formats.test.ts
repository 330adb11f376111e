import { fixedClock } from '../../src/model/ports/clock';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/audit-result';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { runAudit } from '../../src/app/audit';
import { formatAsff } from '../../src/report/formats/asff';
import { formatCsv } from '../../src/report/formats/csv';
import { formatJson } from '../../src/report/formats/json';
import { formatJunit } from '../../src/report/formats/junit';
import { formatOcsf, OCSF_SEVERITY } from '../../src/report/formats/ocsf';
import { formatSarif } from '../../src/report/formats/sarif';
import { formatTable } from '../../src/report/formats/table';
import { MemoryStore } from '../../src/store/memory-store';
import { checkWellFormed } from './support/xml-check';

const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const events: FleetEvent[] = [
  {
    id: 'p',
    time: t(0),
    type: 'perimeter.upsert',
    perimeter: { id: 'pci', allowedClusters: ['c-pci'], trustLevel: 9 },
  },
  {
    id: 'h1',
    time: t(1),
    type: 'host.upsert',
    host: {
      id: '=cmd|calc',
      name: 'esx<01>&"x"',
      cluster: 'c-gen',
      hypervisor: { vendor: 'vmware', build: '22380479' },
      services: { 'TSM-SSH': { running: true } },
    },
  },
  {
    id: 'v1',
    time: t(2),
    type: 'vm.upsert',
    vm: { id: 'vm-1', hostId: '=cmd|calc', perimeter: 'pci', settings: { 'mks.enable3d': 'TRUE' } },
  },
];
const waivers = [
  {
    resource: 'vm-1',
    rule: 'vm.3d-*',
    reason: 'CAD workstation <needs> 3D & more',
    owner: 'cad@example.net',
    expires: '2099-01-01',
  },
];
let result: AuditResult;

beforeAll(async () => {
  const store = new MemoryStore();
  await store.putEvents(events);
  result = await runAudit(
    { store, clock: fixedClock('2026-11-05T00:00:00.000Z') },
    { rules: loadRules(DEFAULT_RULES_DIR), waivers },
  );
});

describe('audit output formats', () => {
  it('json has exactly the documented shape', () => {
    const doc = JSON.parse(formatJson(result)) as {
      summary: Record<string, unknown>;
      findings: Record<string, unknown>[];
      unverified: (Record<string, unknown> & { resources: Record<string, unknown>[] })[];
    };
    expect(Object.keys(doc)).toEqual(['summary', 'findings', 'unverified', 'compliance']);
    expect(doc.summary).toEqual({
      hosts: 1,
      vms: 1,
      findings: { critical: 0, high: expect.any(Number), medium: expect.any(Number), low: expect.any(Number), info: 0 },
      unverified: {
        critical: 0,
        high: expect.any(Number),
        medium: expect.any(Number),
        low: expect.any(Number),
        info: 0,
      },
    });
    const unverified = result.findings.filter((f) => f.status === 'unverified');
    expect(unverified.length).toBeGreaterThan(0);
    expect(doc.findings.length).toBe(result.findings.length - unverified.length);
    expect(doc.findings.some((f) => f.status === 'unverified')).toBe(false);
    expect(doc.unverified.reduce((n, g) => n + (g.count as number), 0)).toBe(unverified.length);
    expect(Object.keys(doc.unverified[0]!)).toEqual([
      'ruleId',
      'severity',
      'category',
      'resourceType',
      'title',
      'controls',
      'remediation',
      'status',
      'lastSeen',
      'waiver',
      'verify',
      'count',
      'resources',
    ]);
    expect(Object.keys(doc.unverified[0]!.resources[0]!)).toEqual([
      'fingerprint',
      'resourceId',
      'resourceName',
      'cluster',
      'datacenter',
      'evidence',
      'firstSeen',
    ]);
    expect(Object.keys(doc.findings[0]!)).toEqual([
      'fingerprint',
      'ruleId',
      'severity',
      'category',
      'resourceType',
      'resourceId',
      'resourceName',
      'cluster',
      'datacenter',
      'title',
      'evidence',
      'controls',
      'remediation',
      'status',
      'firstSeen',
      'lastSeen',
      'waiver',
      'verify',
    ]);
    expect(doc.findings.find((f) => f.ruleId === 'vm.3d-disabled')?.status).toBe('waived');
    expect(doc.findings.find((f) => f.ruleId === 'perimeter.vm-placement-outside')?.evidence).toEqual({
      perimeterSource: 'own',
      placementViolationCount: 1,
      placementViolations: ['cluster:c-gen'],
      // No recorded event put the VM there (inventory only), so the line says only where it is.
      placementArrival: null,
    });
  });

  it('csv neutralises cells that a spreadsheet would run as formulas', () => {
    const titles = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'ok'];
    const probe = { ...result, findings: titles.map((title) => ({ ...result.findings[0]!, title })) };
    const written = (parse(formatCsv(probe), { columns: true }) as Record<string, string>[]).map((r) => r.title);
    expect(written).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", 'ok']);
    const rows = parse(formatCsv(result), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(result.findings.length);
    const host = rows.filter((r) => r.resourceType === 'host');
    expect(host.length).toBeGreaterThan(0);
    expect(host.every((r) => r.resourceId === "'=cmd|calc")).toBe(true);
  });

  it('sarif 2.1.0 carries every rule with help text, stable ruleIds and partial fingerprints', () => {
    const log = JSON.parse(formatSarif(result)) as {
      version: string;
      $schema: string;
      runs: {
        tool: {
          driver: { name: string; rules: { id: string; shortDescription: { text: string }; help: { text: string } }[] };
        };
        results: Record<string, unknown>[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('hyperaudit');
    expect(run.tool.driver.rules).toHaveLength(result.rules.length);
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
      expect(r.help.text.length).toBeGreaterThan(0);
    }
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(run.results).toHaveLength(result.findings.length);
    for (const res of run.results) {
      expect(ids[res.ruleIndex as number]).toBe(res.ruleId);
      expect(res.message).toEqual({ text: expect.any(String) });
      expect(res.partialFingerprints).toEqual({ 'hyperaudit/v1': expect.stringMatching(/^[0-9a-f]{32}$/) });
      // Unverified results are kind `review`, which SARIF requires to have level `none`.
      expect(['error', 'warning', 'note', 'none']).toContain(res.level);
    }
    const waived = run.results.find((r) => r.ruleId === 'vm.3d-disabled');
    expect(waived?.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
  });

  it('junit is well-formed XML with one suite per pack and one case per rule × evaluated resource', () => {
    const xml = formatJunit(result);
    const names = checkWellFormed(xml);
    expect(names[0]).toBe('testsuites');
    const suites = [
      ...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)"/g),
    ];
    expect(suites.map((s) => s[1])).toEqual([...new Set(result.rules.map((r) => r.pack))].sort());
    const cases = result.coverage.reduce((n, c) => n + c.resourceIds.length, 0);
    expect(suites.reduce((n, s) => n + Number(s[2]), 0)).toBe(cases);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(cases);
    expect(suites.reduce((n, s) => n + Number(s[3]), 0)).toBe(
      result.findings.filter((f) => f.status === 'open').length,
    );
    // Skipped: the waived finding, and every unverified result (failing or passing on unreported defaults).
    const unverified = result.compliance!.rules.reduce((n, r) => n + r.unverified, 0);
    expect(unverified).toBeGreaterThan(0);
    expect(suites.reduce((n, s) => n + Number(s[4]), 0)).toBe(1 + unverified);
    expect(names.filter((n) => n === 'skipped')).toHaveLength(1 + unverified);
    expect(xml).toContain('CAD workstation &lt;needs&gt; 3D &amp; more');
  });

  it('ocsf events are Compliance Findings (class 2003) with mapped severity and status', () => {
    const events = JSON.parse(formatOcsf(result)) as Record<string, unknown>[];
    expect(events).toHaveLength(result.findings.length);
    for (const [i, e] of events.entries()) {
      const f = result.findings[i]!;
      expect(e).toMatchObject({
        class_uid: 2003,
        category_uid: 2,
        activity_id: 1,
        type_uid: 200301,
        severity_id: OCSF_SEVERITY[f.severity],
      });
      expect(e.finding_info).toMatchObject({ uid: f.fingerprint, title: f.title });
      expect(e.compliance).toMatchObject({ control: f.ruleId, status_id: f.status === 'unverified' ? 0 : 3 });
      expect(e.metadata).toMatchObject({ version: expect.any(String), product: { name: 'hyperaudit' } });
      expect(e.status_id).toBe(f.status === 'waived' ? 3 : 1);
    }
    expect(Object.values(OCSF_SEVERITY).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('asff findings carry the fields BatchImportFindings requires', () => {
    const { Findings } = JSON.parse(formatAsff(result, { accountId: '123456789012', region: 'eu-west-1' })) as {
      Findings: Record<string, unknown>[];
    };
    expect(Findings).toHaveLength(result.findings.length);
    for (const f of Findings) {
      expect(f).toMatchObject({
        SchemaVersion: '2018-10-08',
        Id: expect.stringMatching(/^hyperaudit\/[0-9a-f]{32}$/),
        ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
        GeneratorId: expect.any(String),
        AwsAccountId: '123456789012',
        Types: [expect.stringMatching(/^Software and Configuration Checks\//)],
        CreatedAt: expect.any(String),
        UpdatedAt: expect.any(String),
        Severity: { Label: expect.stringMatching(/^(CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL)$/) },
        Title: expect.any(String),
        Description: expect.any(String),
        Resources: [expect.objectContaining({ Type: 'Other', Id: expect.any(String) })],
      });
      expect((f.Title as string).length).toBeLessThanOrEqual(256);
      expect((f.Description as string).length).toBeLessThanOrEqual(1024);
    }
    expect(Findings.filter((f) => (f.Workflow as { Status: string }).Status === 'SUPPRESSED')).toHaveLength(1);
  });

  it('table summarises counts and lists findings', () => {
    const text = formatTable(result);
    expect(text).toMatch(/^1 hosts, 1 VMs — open findings: critical 0, high \d+/);
    expect(text).toContain('esxi.ssh-disabled');
  });
});
