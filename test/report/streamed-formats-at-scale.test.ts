import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/audit-result';
import { fingerprint } from '../../src/engine/fingerprint';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { AUDIT_FORMAT_PIECES, type AuditFormat } from '../../src/report/formats';
import { writePieces } from '../../src/cli/write-pieces';

/** More than the 200,000 findings above which the report used to leave the audit formats out. */
const COUNT = 200_500;
const SCHEMAS = join(import.meta.dirname, '..', 'fixtures', 'schemas');
const rules = loadRules(DEFAULT_RULES_DIR).filter(
  (r) => r.id === 'vm.isolation-copy-disable' || r.id === 'vm.isolation-paste-disable',
);

function finding(i: number): Finding {
  const rule = rules[i % rules.length]!;
  const status: Finding['status'] = i % 10 === 0 ? 'open' : i % 97 === 0 ? 'waived' : 'unverified';
  const resourceId = `vm-${i}`;
  return {
    fingerprint: fingerprint(rule.id, 'vm', resourceId),
    ruleId: rule.id,
    pack: rule.pack,
    severity: rule.severity,
    category: rule.category,
    resourceType: 'vm',
    resourceId,
    resourceName: `app${i % 997}-<${i}>&"x"`,
    cluster: `cluster-${Math.floor(i / 320)}`,
    datacenter: 'dc-1',
    title: rule.title,
    evidence: { 'isolation.tools.copy.disable': i % 10 === 0 ? 'FALSE' : null },
    controls: rule.controls,
    remediation: rule.remediation,
    status,
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-03T00:00:00.000Z',
    ...(status === 'waived' && { waiver: { reason: 'vendor =cmd|', owner: 'ops@example.net', expires: '2027-01-01' } }),
    ...(status === 'unverified' && {
      verify: { missing: ['setting:isolation.tools.copy.disable'], collect: ['VMX settings'] },
    }),
  };
}

const findings = Array.from({ length: COUNT }, (_, i) => finding(i));
const result: AuditResult = {
  generatedAt: '2026-12-03T00:00:00.000Z',
  profile: 'scg',
  mode: 'full',
  summary: {
    hosts: 0,
    vms: COUNT,
    findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    unverified: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  },
  findings,
  resolved: [],
  rules,
  coverage: rules.map((r) => ({
    ruleId: r.id,
    resourceIds: findings.filter((f) => f.ruleId === r.id).map((f) => f.resourceId),
  })),
};

let dir: string;
const fileOf = (format: AuditFormat) => join(dir, `findings.${format}`);
const largestPiece = new Map<AuditFormat, number>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hyperaudit-streamed-'));
  for (const format of ['csv', 'sarif', 'junit', 'ocsf', 'asff'] as const) {
    let largest = 0;
    const pieces = AUDIT_FORMAT_PIECES[format](result);
    await writePieces(
      (function* () {
        for (const p of pieces) {
          largest = Math.max(largest, p.length);
          yield p;
        }
      })(),
      fileOf(format),
    );
    largestPiece.set(format, largest);
  }
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`the audit formats of ${COUNT.toLocaleString('en-US')} findings, written streaming`, () => {
  it('never holds a format as one string: every piece written is under 1 MB', () => {
    for (const [format, largest] of largestPiece) expect(largest, format).toBeLessThan(1 << 20);
  });

  it('CSV parses to one row per finding, formulas escaped', async () => {
    let rows = 0;
    let waived = 0;
    for await (const row of createReadStream(fileOf('csv')).pipe(parse({ columns: true })) as AsyncIterable<
      Record<string, string>
    >) {
      rows++;
      if (row.status === 'waived') {
        waived++;
        expect(row.waiverReason).toBe('vendor =cmd|');
      }
    }
    expect(rows).toBe(COUNT);
    expect(waived).toBe(findings.filter((f) => f.status === 'waived').length);
  }, 600_000);

  it('SARIF parses as JSON with one result per finding', () => {
    const log = JSON.parse(readFileSync(fileOf('sarif'), 'utf8')) as {
      runs: { results: { partialFingerprints: Record<string, string> }[] }[];
    };
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(COUNT);
    expect(results.at(-1)!.partialFingerprints['hyperaudit/v1']).toBe(findings.at(-1)!.fingerprint);
  }, 600_000);

  it('OCSF and ASFF parse as JSON with one event per finding', () => {
    const events = JSON.parse(readFileSync(fileOf('ocsf'), 'utf8')) as { finding_info: { uid: string } }[];
    expect(events).toHaveLength(COUNT);
    expect(events[COUNT - 1]!.finding_info.uid).toBe(findings.at(-1)!.fingerprint);
    const asff = JSON.parse(readFileSync(fileOf('asff'), 'utf8')) as { Findings: unknown[] };
    expect(asff.Findings).toHaveLength(COUNT);
  }, 600_000);

  it('JUnit is well-formed XML valid against junit-10.xsd, one test case per finding', async () => {
    if (spawnSync('xmllint', ['--version']).status !== 0) {
      if (process.env.HYPERAUDIT_REQUIRE_XMLLINT === '1') throw new Error('xmllint is required');
      console.warn('skipping the junit-10.xsd validation: xmllint not found (apt-get install libxml2-utils)');
    } else {
      const lint = spawnSync(
        'xmllint',
        ['--noout', '--stream', '--schema', join(SCHEMAS, 'junit-10.xsd'), fileOf('junit')],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      expect(lint.status, lint.stderr.slice(0, 2000)).toBe(0);
    }
    let cases = 0;
    for await (const line of createInterface({ input: createReadStream(fileOf('junit')) }))
      if (line.startsWith('    <testcase ')) cases++;
    expect(cases).toBe(COUNT);
  }, 600_000);
});
