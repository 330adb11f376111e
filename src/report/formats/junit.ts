import type { AuditResult } from '../../engine/audit-result';
import type { Finding } from '../../model/finding';

export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids even escaped are dropped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML: one testsuite per rule pack, one testcase per rule × evaluated resource. Open findings are
 * failures, waived ones skipped, everything else passes.
 */
export function formatJunit(result: AuditResult): string {
  const byKey = new Map<string, Finding>();
  for (const f of result.findings) byKey.set(`${f.ruleId}|${f.resourceId}`, f);
  const coverage = new Map(result.coverage.map((c) => [c.ruleId, c.resourceIds]));
  const packs = [...new Set(result.rules.map((r) => r.pack))].sort();
  const suites: string[] = [];
  let total = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  for (const pack of packs) {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const rule of result.rules.filter((r) => r.pack === pack).sort((a, b) => (a.id < b.id ? -1 : 1))) {
      for (const id of coverage.get(rule.id) ?? []) {
        const f = byKey.get(`${rule.id}|${id}`);
        const name = xmlEscape(`${rule.resourceType}:${id}`);
        const open = `    <testcase classname="${xmlEscape(rule.id)}" name="${name}">`;
        if (f?.status === 'open') {
          failures++;
          cases.push(
            `${open}\n      <failure message="${xmlEscape(rule.title)}" type="${f.severity}">${xmlEscape(JSON.stringify(f.evidence))}</failure>\n    </testcase>`,
          );
        } else if (f?.status === 'waived') {
          skipped++;
          cases.push(
            `${open}\n      <skipped message="${xmlEscape(`waived: ${f.waiver?.reason ?? ''}`)}"/>\n    </testcase>`,
          );
        } else {
          cases.push(`    <testcase classname="${xmlEscape(rule.id)}" name="${name}"/>`);
        }
      }
    }
    total += cases.length;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push(
      `  <testsuite name="${xmlEscape(pack)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${xmlEscape(result.generatedAt)}">` +
        (cases.length > 0 ? `\n${cases.join('\n')}\n  </testsuite>` : '</testsuite>'),
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hyperaudit" tests="${total}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
