import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { fixedClock } from '../../src/model/ports/clock';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { generateReport } from '../../src/app/report';
import type { AuditResult } from '../../src/engine/audit-result';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { formatCsv } from '../../src/report/formats/csv';
import { formatJson } from '../../src/report/formats/json';
import { flattenAuditJson } from './audit-json-reference';
import { formatJunit } from '../../src/report/formats/junit';
import { formatOcsf } from '../../src/report/formats/ocsf';
import { formatSarif } from '../../src/report/formats/sarif';
import { auditReportFormats } from '../../src/report/html/audit-formats';
import { MemoryStore } from '../../src/store/memory-store';

const SCHEMAS = new URL('../fixtures/schemas/', import.meta.url);
const rules = loadRules(DEFAULT_RULES_DIR);
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
      id: 'vc-1/host-10',
      name: 'esx<01>&"x"',
      cluster: 'c-gen',
      datacenter: 'dc-east',
      hypervisor: { vendor: 'vmware', build: '22380479' },
      services: { 'TSM-SSH': { running: true } },
    },
  },
  {
    id: 'h2',
    time: t(2),
    type: 'host.upsert',
    host: { id: 'kvm-1', cluster: 'c-kvm', datacenter: 'dc-west', hypervisor: { vendor: 'kvm' } },
  },
  {
    id: 'v1',
    time: t(3),
    type: 'vm.upsert',
    vm: {
      id: 'vc-1/vm-1',
      name: 'pay-db',
      hostId: 'vc-1/host-10',
      perimeter: 'pci',
      settings: { 'mks.enable3d': 'TRUE' },
    },
  },
];
const waivers = [
  { resource: 'vc-1/vm-1', rule: 'vm.3d-*', reason: 'CAD <needs> 3D', owner: 'cad@example.net', expires: '2099-01-01' },
];
const now = '2026-11-05T00:00:00.000Z';
let store: MemoryStore;
let result: AuditResult;

beforeAll(async () => {
  store = new MemoryStore();
  await store.putEvents(events);
  result = await runAudit({ store, clock: fixedClock(now) }, { rules, waivers });
});

function xmllint(): boolean {
  const found = spawnSync('xmllint', ['--version']).status === 0;
  if (!found && process.env.HYPERAUDIT_REQUIRE_XMLLINT === '1')
    throw new Error('xmllint is required (HYPERAUDIT_REQUIRE_XMLLINT=1): apt-get install libxml2-utils');
  if (!found) console.warn('skipping the junit-10.xsd validation: xmllint not found (apt-get install libxml2-utils)');
  return found;
}

describe('outputs their consumers accept', () => {
  it('has findings of every status the formats must carry', () => {
    const statuses = new Set(result.findings.map((f) => f.status));
    expect([...statuses].sort()).toEqual(['open', 'unverified', 'waived']);
  });

  it('SARIF validates against the SARIF 2.1.0 schema and every result has a physical location', () => {
    const schema = JSON.parse(readFileSync(new URL('sarif-schema-2.1.0.json', SCHEMAS), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const log = JSON.parse(formatSarif(result)) as {
      runs: {
        results: {
          kind?: string;
          level: string;
          message: { text: string };
          locations: { physicalLocation?: { artifactLocation: { uri: string } } }[];
          properties: Record<string, unknown>;
        }[];
      }[];
    };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(result.findings.length);
    for (const [i, r] of results.entries()) {
      const f = result.findings[i]!;
      const uri = r.locations[0]?.physicalLocation?.artifactLocation.uri;
      expect(uri).toBe(`hyperaudit/${f.resourceType}/${encodeURIComponent(f.resourceId)}`);
      if (f.status === 'unverified') {
        expect(r).toMatchObject({ kind: 'review', level: 'none' });
        expect(r.message.text).toContain('collect');
      }
      if (f.resourceType === 'vm' && f.resourceId === 'vc-1/vm-1')
        expect(r.properties).toMatchObject({ resourceName: 'pay-db', cluster: 'c-gen', datacenter: 'dc-east' });
    }
  });

  it('JUnit validates against Jenkins junit-10.xsd', () => {
    if (!xmllint()) return;
    const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-junit-'));
    const file = join(dir, 'findings.junit.xml');
    writeFileSync(file, formatJunit(result));
    const out = spawnSync('xmllint', ['--noout', '--schema', new URL('junit-10.xsd', SCHEMAS).pathname, file], {
      encoding: 'utf8',
    });
    expect(out.stderr).toContain('validates');
    expect(out.status).toBe(0);
  });

  it('SARIF and JUnit are stamped with the audit time, profile, rule-pack version and newest event', () => {
    const stamp = result.stamp!;
    expect(stamp).toMatchObject({ auditedAt: now, profile: 'scg', newestEventAt: t(3) });
    expect(stamp.rulePackVersion).toMatch(/\S/);
    const run = (
      JSON.parse(formatSarif(result)) as {
        runs: { invocations: { endTimeUtc: string; properties: unknown }[]; properties: { audit: unknown } }[];
      }
    ).runs[0]!;
    expect(run.invocations[0]).toMatchObject({ executionSuccessful: true, endTimeUtc: now, properties: stamp });
    expect(run.properties.audit).toEqual(stamp);
    const junit = formatJunit(result);
    const suites = junit.match(/<testsuite /g)!.length;
    for (const [name, value] of [
      ['auditedAt', now],
      ['profile', 'scg'],
      ['rulePackVersion', stamp.rulePackVersion],
      ['newestEventAt', t(3)],
    ])
      expect(junit.split(`<property name="hyperaudit.${name}" value="${value}"/>`)).toHaveLength(suites + 1);
  });

  it('JUnit from the audit and from the report (the path the deployed run takes) are the same document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-report-'));
    const out = await generateReport(
      { store, clock: fixedClock(new Date('2026-11-05T01:00:00.000Z')), artifacts: folderArtifactStore() },
      { outDir: dir, formats: auditReportFormats({ rules }) },
    );
    expect(out.warnings).toEqual([]);
    const fromReport = readFileSync(join(dir, 'findings.junit.xml'), 'utf8');
    // Stamped with the audit it shows (the stored one), not the report's own time.
    expect(fromReport).toBe(formatJunit(result));
    const sarif = JSON.parse(readFileSync(join(dir, 'findings.sarif'), 'utf8')) as {
      runs: { invocations: { properties: unknown }[] }[];
    };
    expect(sarif.runs[0]!.invocations[0]!.properties).toEqual(result.stamp);
    const cases = result.compliance!.rules.reduce((n, r) => n + r.pass + r.fail + r.waived + r.unverified, 0);
    expect(fromReport.match(/<testcase /g)).toHaveLength(cases);
    const data = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      compliance: { frameworks: { framework: string; percentCompliant: number | null }[] };
      unverified: { total: number; collect: { hint: string }[] };
    };
    expect(data.compliance.frameworks.map((f) => f.framework)).toEqual(
      expect.arrayContaining(['vsphere-8-scg', 'disa-stig', 'pci-dss-4.0', 'nist-800-53-r5']),
    );
    expect(data.unverified.total).toBe(result.findings.filter((f) => f.status === 'unverified').length);
    expect(data.unverified.collect.some((c) => c.hint.includes('--qemu-conf'))).toBe(true);
  });

  it('OCSF compliance findings carry the class attributes and a non-empty compliance.standards', () => {
    const findings = JSON.parse(formatOcsf(result)) as {
      class_uid: number;
      category_uid: number;
      type_uid: number;
      activity_id: number;
      severity_id: number;
      time: number;
      metadata: { version: string; product: { name: string } };
      finding_info: { uid: string; title: string };
      compliance: { standards: string[]; status_id: number; requirements: string[] };
      resources: { uid: string; name?: string; labels?: string[] }[];
    }[];
    expect(findings).toHaveLength(result.findings.length);
    for (const [i, e] of findings.entries()) {
      const f = result.findings[i]!;
      expect(e).toMatchObject({ class_uid: 2003, category_uid: 2, type_uid: 200301, activity_id: 1 });
      expect(typeof e.time).toBe('number');
      expect(e.metadata.product.name).toBe('hyperaudit');
      expect(e.finding_info.uid).toBe(f.fingerprint);
      expect(e.compliance.standards.length).toBeGreaterThan(0);
      expect(e.compliance.status_id).toBe(f.status === 'unverified' ? 0 : 3);
      if (f.cluster !== undefined) expect(e.resources[0]!.labels).toContain(`cluster:${f.cluster}`);
    }
    const pci = findings.find((e) => e.compliance.standards.includes('pci-dss-4.0'));
    expect(pci?.compliance.requirements).toEqual(expect.arrayContaining(['pci-dss-4.0:1.3', 'nist-800-53-r5:SC-7']));
  });

  it('JSON and CSV give the waiver (reason, owner, expiry), what to collect, and name, cluster and datacenter', () => {
    const doc = JSON.parse(formatJson(result)) as {
      findings: Record<string, unknown>[];
      unverified: Record<string, unknown>[];
    };
    const waived = doc.findings.find((f) => f.status === 'waived');
    expect(waived).toMatchObject({
      resourceId: 'vc-1/vm-1',
      resourceName: 'pay-db',
      cluster: 'c-gen',
      datacenter: 'dc-east',
      waiver: { reason: 'CAD <needs> 3D', owner: 'cad@example.net', expires: '2099-01-01' },
    });
    const unverified = flattenAuditJson(doc).find((f) => f.status === 'unverified' && f.resourceId === 'kvm-1');
    expect(unverified).toMatchObject({ cluster: 'c-kvm', datacenter: 'dc-west', waiver: null });
    expect(JSON.stringify(unverified?.verify)).toContain('--qemu-conf');
    const csv = formatCsv(result);
    expect(csv.split('\n')[0]).toContain('resourceName,cluster,datacenter');
    expect(csv).toContain('cad@example.net');
    expect(csv).toContain('2099-01-01');
  });
});
