import { getOrCreate } from '../../model/get-or-create';
import type { AuditResult } from '../../engine/audit-result';
import type { Finding } from '../../model/finding';
import {
  buildCompliance,
  outcomesOf,
  type ComplianceRecord,
  type Outcome,
  type RuleCompliance,
} from '../../engine/compliance';

/** Nothing to drop or escape: no markup character, no control character, no surrogate (paired or not). */
const XML_PLAIN = /^[\t\n\r\u0020\u0021\u0023-\u0025\u0028-\u003B\u003D\u003F-\uD7FF\uE000-\uFFFD]*$/;

export function xmlEscape(s: string): string {
  // Most names, titles and evidence need nothing: one test instead of six replacements (JUnit escapes ~300,000
  // strings on the sample fleet).
  if (XML_PLAIN.test(s)) return s;
  // Characters XML 1.0 forbids even escaped are dropped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

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

/** A rule evaluated on a whole fleet has one case per resource: they are written this many at a time. */
const CASES_PER_PIECE = 1000;

interface SuiteCounts {
  tests: number;
  failures: number;
  skipped: number;
}

/** One `<testcase>` element, indented as inside its suite. */
function testCase(
  rule: RuleCompliance,
  resourceId: string,
  outcome: Exclude<Outcome, 'notApplicable'>,
  f: Finding | undefined,
): string {
  const open = `    <testcase classname="${xmlEscape(rule.ruleId)}" name="${xmlEscape(caseName(rule.resourceType, resourceId, f))}">`;
  if (outcome === 'fail')
    return `${open}\n      <failure message="${xmlEscape(f?.title ?? rule.title)}" type="${f?.severity ?? rule.severity}">${xmlEscape(JSON.stringify(f?.evidence ?? {}))}</failure>\n    </testcase>`;
  if (outcome === 'waived') {
    const w = f?.waiver;
    const message = `waived: ${w?.reason ?? ''} (owner ${w?.owner ?? '?'}, expires ${w?.expires ?? 'never'})`;
    return `${open}\n      <skipped message="${xmlEscape(message)}"/>\n    </testcase>`;
  }
  if (outcome === 'unverified') {
    const message =
      f?.verify !== undefined
        ? `unverified: not reported ${f.verify.missing.join(', ')}; collect ${f.verify.collect.join('; ')}`
        : 'unverified: passes only on values nobody reported';
    return `${open}\n      <skipped message="${xmlEscape(message)}"/>\n    </testcase>`;
  }
  return `${open.slice(0, -1)}/>`;
}

/**
 * JUnit XML valid against Jenkins' junit-10.xsd (test/fixtures/schemas/): one testsuite per rule pack, one
 * testcase per rule × evaluated resource of the compliance record, so `audit --format junit`, `report` and the
 * deployed run render the same cases. Open findings are failures; waived and unverified ones are skipped, with
 * the waiver or what to collect as the message; everything else passes. A suite's counts come before its cases,
 * so the outcomes are counted in a first pass and the cases written in a second, a thousand per piece: a fleet's
 * millions of cases are never held at once.
 */
export function* formatJunitPieces(result: AuditResult): Generator<string> {
  const record = complianceOf(result);
  // Per rule, then per resource: a key joined per case (4 million at 100,000 VMs) and looked up in one map of every
  // finding made JUnit's own CPU grow 16× per 10× of fleet (docs/report.md).
  const byRule = new Map<string, Map<string, Finding>>();
  for (const f of result.findings) getOrCreate(byRule, f.ruleId, () => new Map()).set(f.resourceId, f);
  const packOf = new Map(result.rules.map((r) => [r.id, r.pack]));
  const pack = (rule: RuleCompliance) => packOf.get(rule.ruleId) ?? 'other';
  const counts = new Map<string, SuiteCounts>();
  for (const rule of record.rules) {
    const suite = getOrCreate(counts, pack(rule), () => ({ tests: 0, failures: 0, skipped: 0 }));
    const outcomes = outcomesOf(rule);
    for (const id of record.evaluatedSets[rule.evaluated] ?? []) {
      const outcome = outcomes.get(id);
      suite.tests++;
      if (outcome === 'fail') suite.failures++;
      else if (outcome !== undefined) suite.skipped++;
    }
  }
  // Only the loaded rules' packs are written (a recorded rule no longer loaded has none), and only they count.
  const packs = [...new Set(result.rules.map((r) => r.pack))].sort();
  let total = 0;
  let totalFailures = 0;
  for (const name of packs) {
    total += counts.get(name)?.tests ?? 0;
    totalFailures += counts.get(name)?.failures ?? 0;
  }
  // junit-10.xsd's testsuites has no `skipped` attribute: skips are counted per suite only.
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hyperaudit" tests="${total}" failures="${totalFailures}" errors="0">\n`;
  const properties = stampProperties(result);
  for (const [i, name] of packs.entries()) {
    const c = counts.get(name) ?? { tests: 0, failures: 0, skipped: 0 };
    yield `${i === 0 ? '' : '\n'}  <testsuite name="${xmlEscape(name)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" timestamp="${xmlEscape(record.at)}">\n${properties}`;
    for (const rule of record.rules) {
      if (pack(rule) !== name) continue;
      let cases: string[] = [];
      const outcomes = outcomesOf(rule);
      const findings = byRule.get(rule.ruleId);
      for (const resourceId of record.evaluatedSets[rule.evaluated] ?? []) {
        const outcome = outcomes.get(resourceId) ?? 'pass';
        cases.push(`\n${testCase(rule, resourceId, outcome, findings?.get(resourceId))}`);
        if (cases.length === CASES_PER_PIECE) {
          yield cases.join('');
          cases = [];
        }
      }
      if (cases.length > 0) yield cases.join('');
    }
    yield '\n  </testsuite>';
  }
  yield '\n</testsuites>\n';
}

export function formatJunit(result: AuditResult): string {
  return [...formatJunitPieces(result)].join('');
}
