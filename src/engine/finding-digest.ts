import { createHash } from 'node:crypto';
import type { Finding } from '../model/finding';
import { unverifiedGroupOf } from '../store/unverified-pages';

/**
 * What a full audit keeps per page group (a cluster's resources, the unclustered ones, the perimeters:
 * `unverifiedGroupOf`) and profile, so the next one need not read the group's stored findings when nothing a reader
 * sees of them changed (docs/audit-read-at-scale.md, "Group digests"):
 * - `digest`: how many findings and a SHA-256 over the views of the group's unresolved findings in fingerprint order, a view being every
 *   field `sameView` (src/engine/lifecycle.ts) compares, plus the fingerprint; not when they were seen;
 * - `firstSeen`: their first-seen times in the same order, run-length encoded (`[time, run]`): an audit of an
 *   unchanged group gives its findings these times without reading them. A fleet audited once has one run per group.
 */
export interface GroupDigest {
  digest: string;
  firstSeen: [string, number][];
}

/** Candidate findings (by index) of each group, each list in fingerprint order. */
export type CandidateGroups = Map<string, number[]>;

/** Groups the candidates by the page group they are stored under, each group's indexes in fingerprint order. */
export function candidateGroups(candidates: readonly Finding[]): CandidateGroups {
  const groups: CandidateGroups = new Map();
  for (let i = 0; i < candidates.length; i++) {
    const group = unverifiedGroupOf(candidates[i]!);
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [i]);
    else list.push(i);
  }
  for (const list of groups.values())
    list.sort((a, b) => {
      const x = candidates[a]!.fingerprint;
      const y = candidates[b]!.fingerprint;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return groups;
}

/**
 * The digest of these findings' views (given in fingerprint order). Each view is one line of JSON: the strings
 * `sameView` compares with `===` as they are (absent as null), the values it compares by their JSON text as that text,
 * so two findings `sameView` calls alike have the same line, and the stored copy of a finding (its JSON read back)
 * the same line as the finding written. The rule's own fields are serialised once per rule.
 */
export function viewDigest(findings: readonly Finding[], indexes: readonly number[]): string {
  const hash = createHash('sha256');
  const ruleText = ruleTexts();
  for (const i of indexes) {
    const f = findings[i]!;
    const w = f.waiver;
    hash.update(
      `${JSON.stringify([
        f.fingerprint,
        f.status,
        f.resourceName ?? null,
        f.cluster ?? null,
        f.datacenter ?? null,
        f.resolvedAt ?? null,
        w === undefined ? null : [w.reason, w.owner, w.expires ?? null],
        f.verify ?? null,
        f.evidence,
      ])}${ruleText(f)}\n`,
    );
  }
  return `${indexes.length}:${hash.digest('hex')}`;
}

/** The rule's fields of a finding as JSON, remembered per rule while the next finding of it has the same ones. */
function ruleTexts(): (f: Finding) => string {
  const seen = new Map<string, { f: Finding; text: string }>();
  return (f) => {
    const known = seen.get(f.ruleId);
    if (known !== undefined && sameRuleFields(known.f, f)) return known.text;
    const text = JSON.stringify([
      f.severity,
      f.category,
      f.pack,
      f.title,
      f.remediation,
      f.rationale ?? null,
      f.controls,
    ]);
    seen.set(f.ruleId, { f, text });
    return text;
  };
}

function sameRuleFields(a: Finding, b: Finding): boolean {
  return (
    a.severity === b.severity &&
    a.category === b.category &&
    a.pack === b.pack &&
    a.title === b.title &&
    a.remediation === b.remediation &&
    a.rationale === b.rationale &&
    a.controls === b.controls
  );
}

/** The first-seen times of these findings (in the given order), run-length encoded. */
export function firstSeenRuns(findings: readonly Finding[], indexes: readonly number[]): [string, number][] {
  const runs: [string, number][] = [];
  for (const i of indexes) {
    const at = findings[i]!.firstSeen;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === at) last[1]++;
    else runs.push([at, 1]);
  }
  return runs;
}

/**
 * Writes the stored first-seen times of a group's candidates (in the digest's order) into `out`; false (and nothing
 * written) when the runs do not add up to the group's size, which a digest that matched cannot do unless damaged.
 */
export function settleGroup(
  runs: readonly (readonly [string, number])[],
  indexes: readonly number[],
  out: (string | undefined)[],
): boolean {
  let total = 0;
  for (const [, run] of runs) {
    if (!Number.isInteger(run) || run < 1) return false;
    total += run;
  }
  if (total !== indexes.length) return false;
  let at = 0;
  for (const [time, run] of runs) for (let k = 0; k < run; k++) out[indexes[at++]!] = time;
  return true;
}
