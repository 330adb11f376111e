import { compareBySeverityThenId, type Finding } from '../../model/finding';

/**
 * Unverified findings of one rule that the page and report.json list one by one; the rest are counted (the
 * summary, the unverified section) and listed in findings.csv. A fleet that reports few settings has an unverified
 * result per rule on nearly every resource (750,000 at 100,000 VMs): listing all of them made the page gigabytes,
 * and they all say the same thing, what to collect (docs/findings-at-scale.md).
 */
export const UNVERIFIED_LISTED_PER_RULE = 25;

/** Every finding that is not unverified, and the first `perRule` unverified ones of each rule (severity, rule, resource order). */
export function listedFindings(
  findings: readonly Finding[],
  perRule = UNVERIFIED_LISTED_PER_RULE,
): { listed: Finding[]; unlisted: number } {
  const listed: Finding[] = [];
  const unverified = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.status !== 'unverified') listed.push(f);
    else {
      const list = unverified.get(f.ruleId);
      if (list) list.push(f);
      else unverified.set(f.ruleId, [f]);
    }
  }
  let unlisted = 0;
  for (const list of unverified.values()) {
    if (list.length > perRule) {
      list.sort(compareBySeverityThenId);
      unlisted += list.length - perRule;
    }
    for (const f of list.slice(0, perRule)) listed.push(f);
  }
  return { listed, unlisted };
}
