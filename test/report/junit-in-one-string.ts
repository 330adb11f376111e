/**
 * The JUnit renderer as it was before the audit formats were streamed (one string per suite, joined), kept
 * unchanged as the reference the streamed writer must equal byte for byte (streamed-formats.test.ts).
 */
import { getOrCreate } from '../../src/model/get-or-create';
import type { AuditResult } from '../../src/engine/audit-result';
import type { Finding } from '../../src/model/finding';
import { xmlEscape } from '../../src/report/formats/junit';
import { buildCompliance, ruleOutcomes, type ComplianceRecord } from '../../src/engine/compliance';

/** The record JUnit renders: the audit's own, else one folded from its coverage and findings. */
function complianceOf(result: AuditResult): ComplianceRecord {
  return (
    result.compliance ??
    buildCompliance({
      at: result.generatedAt,
      profile: result.profile,
      rules: result.rules,
      coverage: result.coverage,
      findings: result.findings,
      resources: { host: result.summary.hosts, vm: result.summary.vms, cluster: 0, perimeter: 0 },
    })
  );
}

function caseName(resourceType: string, id: string, f: Finding | undefined): string {
  const where = [f?.resourceName, f?.cluster && `cluster ${f.cluster}`, f?.datacenter && `datacenter ${f.datacenter}`]
    .filter((x) => x !== undefined && x !== '')
    .join(', ');
  return `${resourceType}:${id}${where === '' ? '' : ` (${where})`}`;
}

/**
 * The audit the cases come from (issue 15 item 8), as the HTML report and digests state it, in each suite's
 * `<properties>` (junit-10.xsd has none on `<testsuites>`); CI shows them beside the results.
 */
function stampProperties(result: AuditResult): string {
  const stamp = result.stamp;
  const entries: [string, string | undefined][] = [
    ['hyperaudit.auditedAt', stamp?.auditedAt ?? result.generatedAt],
    ['hyperaudit.profile', stamp?.profile ?? result.profile],
    ['hyperaudit.rulePackVersion', stamp?.rulePackVersion],
    ['hyperaudit.newestEventAt', stamp?.newestEventAt],
  ];
  const lines = entries
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([name, value]) => `      <property name="${name}" value="${xmlEscape(value)}"/>`);
  return `    <properties>\n${lines.join('\n')}\n    </properties>`;
}

/**
 * JUnit XML valid against Jenkins' junit-10.xsd (test/fixtures/schemas/): one testsuite per rule pack, one
 * testcase per rule × evaluated resource of the compliance record, so `audit --format junit`, `report` and the
 * deployed run render the same cases. Open findings are failures; waived and unverified ones are skipped, with
 * the waiver or what to collect as the message; everything else passes.
 */
export function formatJunitInOneString(result: AuditResult): string {
  const record = complianceOf(result);
  const byKey = new Map<string, Finding>();
  for (const f of result.findings) byKey.set(`${f.ruleId}|${f.resourceId}`, f);
  const packOf = new Map(result.rules.map((r) => [r.id, r.pack]));
  const byPack = new Map<string, { cases: string[]; failures: number; skipped: number }>();
  for (const { rule, resourceId, outcome } of ruleOutcomes(record)) {
    const pack = packOf.get(rule.ruleId) ?? 'other';
    const suite = getOrCreate(byPack, pack, () => ({ cases: [] as string[], failures: 0, skipped: 0 }));
    const f = byKey.get(`${rule.ruleId}|${resourceId}`);
    const open = `    <testcase classname="${xmlEscape(rule.ruleId)}" name="${xmlEscape(caseName(rule.resourceType, resourceId, f))}">`;
    if (outcome === 'fail') {
      suite.failures++;
      suite.cases.push(
        `${open}\n      <failure message="${xmlEscape(f?.title ?? rule.title)}" type="${f?.severity ?? rule.severity}">${xmlEscape(JSON.stringify(f?.evidence ?? {}))}</failure>\n    </testcase>`,
      );
    } else if (outcome === 'waived') {
      suite.skipped++;
      const w = f?.waiver;
      const message = `waived: ${w?.reason ?? ''} (owner ${w?.owner ?? '?'}, expires ${w?.expires ?? 'never'})`;
      suite.cases.push(`${open}\n      <skipped message="${xmlEscape(message)}"/>\n    </testcase>`);
    } else if (outcome === 'unverified') {
      suite.skipped++;
      const message =
        f?.verify !== undefined
          ? `unverified: not reported ${f.verify.missing.join(', ')}; collect ${f.verify.collect.join('; ')}`
          : 'unverified: passes only on values nobody reported';
      suite.cases.push(`${open}\n      <skipped message="${xmlEscape(message)}"/>\n    </testcase>`);
    } else {
      suite.cases.push(`${open.slice(0, -1)}/>`);
    }
  }
  const properties = stampProperties(result);
  const suites: string[] = [];
  let total = 0;
  let totalFailures = 0;
  for (const pack of [...new Set(result.rules.map((r) => r.pack))].sort()) {
    const suite = byPack.get(pack) ?? { cases: [], failures: 0, skipped: 0 };
    total += suite.cases.length;
    totalFailures += suite.failures;
    suites.push(
      `  <testsuite name="${xmlEscape(pack)}" tests="${suite.cases.length}" failures="${suite.failures}" errors="0" skipped="${suite.skipped}" timestamp="${xmlEscape(record.at)}">` +
        [properties, ...suite.cases].map((line) => `\n${line}`).join('') +
        '\n  </testsuite>',
    );
  }
  // junit-10.xsd's testsuites has no `skipped` attribute: skips are counted per suite only.
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hyperaudit" tests="${total}" failures="${totalFailures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
