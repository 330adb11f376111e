import { createHash } from 'node:crypto';
import type { Finding, Unverified } from '../model/finding';
import { sameFlatRecord } from '../model/flat-record';
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
  // One group name per cluster, not per finding (a long cluster id is hashed into its group's name).
  const ofCluster = new Map<string | undefined, string>();
  for (let i = 0; i < candidates.length; i++) {
    const f = candidates[i]!;
    let group: string | undefined;
    if (f.resourceType === 'vm' || f.resourceType === 'host') {
      group = ofCluster.get(f.cluster);
      if (group === undefined) {
        group = unverifiedGroupOf(f);
        ofCluster.set(f.cluster, group);
      }
    } else group = unverifiedGroupOf(f);
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [i]);
    else list.push(i);
  }
  for (const [group, list] of groups) groups.set(group, byFingerprint(candidates, list));
  return groups;
}

/**
 * The indexes in fingerprint order: a counting sort on the fingerprint's first hex digits (fingerprints are SHA-256
 * hex, spread evenly), then the few sharing a bucket by their whole text. Lower-case hex sorts as its value, so this is
 * the order of the strings. About a tenth of a comparison sort's time over 750,000 findings.
 */
function byFingerprint(candidates: readonly Finding[], indexes: readonly number[]): number[] {
  const n = indexes.length;
  const bits = Math.min(16, Math.max(4, Math.ceil(Math.log2(n + 1))));
  const shift = 16 - bits;
  const keys = new Uint32Array(n);
  const counts = new Uint32Array((1 << bits) + 1);
  for (let k = 0; k < n; k++) {
    const fp = candidates[indexes[k]!]!.fingerprint;
    const prefix = Number.parseInt(fp.slice(0, 4), 16);
    // Not lower-case hex (a fingerprint is): one bucket, ordered by the comparison below.
    const key = Number.isNaN(prefix) || fp.length < 4 ? 0 : prefix >>> shift;
    keys[k] = key;
    counts[key + 1]!++;
  }
  for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[counts[keys[k]!]!++] = indexes[k]!;
  // Within a bucket (counts[b - 1] .. counts[b] now holds its end): insertion sort by the whole fingerprint.
  let start = 0;
  for (let b = 0; b < counts.length - 1; b++) {
    const end = counts[b]!;
    for (let i = start + 1; i < end; i++) {
      const v = out[i]!;
      const fv = candidates[v]!.fingerprint;
      let j = i - 1;
      while (j >= start && candidates[out[j]!]!.fingerprint > fv) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = v;
    }
    start = end;
  }
  return out;
}

/** A string field as `<length>:<text>` (absent: `-`): one field never reads as another, without escaping. */
const field = (s: string | undefined) => (s === undefined ? '-' : `${s.length}:${s}`);

/**
 * The digest of these findings' views (given in fingerprint order). Each view is one line: the strings `sameView`
 * compares with `===` as they are (length-prefixed), the values it compares by their JSON text as that text, so two
 * findings `sameView` calls alike have the same line, and a finding written and read back (its JSON) the same line
 * as before. Texts many findings repeat (the rule's fields, what to collect) are numbered in a table hashed after the
 * lines, each line naming its entries; lines are hashed a thousand at a time.
 */
export function viewDigest(findings: readonly Finding[], indexes: readonly number[]): string {
  const hash = createHash('sha256');
  const ruleRef = ruleTexts();
  const verifyRefs = new Map<string, number>();
  // What to collect repeats per rule: the last one of each rule is compared by its strings before any JSON is built.
  const lastVerify = new Map<string, { verify: Unverified; ref: number }>();
  const verifyRef = (f: Finding): number => {
    const last = f.verify === undefined ? undefined : lastVerify.get(f.ruleId);
    // The evaluation shares one object per distinct list (src/engine/compile.ts): most are the same object again.
    if (last !== undefined && (last.verify === f.verify || sameUnverified(last.verify, f.verify!))) return last.ref;
    const text = f.verify === undefined ? 'null' : JSON.stringify(f.verify);
    let ref = verifyRefs.get(text);
    if (ref === undefined) {
      ref = verifyRefs.size;
      verifyRefs.set(text, ref);
    }
    if (f.verify !== undefined && sameUnverified(f.verify, f.verify))
      lastVerify.set(f.ruleId, { verify: f.verify, ref });
    return ref;
  };
  // A group's findings share their status, cluster and datacenter: each one's field text is built once per run of it.
  const status = lastField();
  const cluster = lastField();
  const datacenter = lastField();
  // The line after the resource's name, per rule: a group's unverified findings of one rule have the same placement,
  // the same lists and equal evidence (the assumed defaults), so the text is built and the evidence stringified once.
  const rests = new Map<string, LineRest>();
  let lines: string[] = [];
  for (const i of indexes) {
    const f = findings[i]!;
    const w = f.waiver;
    const v = verifyRef(f);
    const r = ruleRef.of(f);
    let rest = rests.get(f.ruleId);
    if (
      rest === undefined ||
      w !== undefined ||
      f.resolvedAt !== undefined ||
      rest.cluster !== f.cluster ||
      rest.datacenter !== f.datacenter ||
      rest.v !== v ||
      rest.r !== r ||
      !sameFlatRecord(rest.evidence, f.evidence)
    ) {
      const text =
        `${cluster(f.cluster)}${datacenter(f.datacenter)}` +
        `${field(f.resolvedAt)}${w === undefined ? '-' : `w${field(w.reason)}${field(w.owner)}${field(w.expires)}`}` +
        `v${v}r${r}${JSON.stringify(f.evidence)}`;
      rest = { cluster: f.cluster, datacenter: f.datacenter, v, r, evidence: f.evidence, text };
      // Only a finding without waiver or resolution stands for the next ones (the check above asks for both absent).
      if (w === undefined && f.resolvedAt === undefined) rests.set(f.ruleId, rest);
    }
    lines.push(`${field(f.fingerprint)}${status(f.status)}${field(f.resourceName)}${rest.text}`);
    if (lines.length === 1000) {
      hash.update(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) hash.update(`${lines.join('\n')}\n`);
  hash.update(JSON.stringify([[...verifyRefs.keys()], ruleRef.texts]));
  return `${indexes.length}:${hash.digest('hex')}`;
}

/** A digest line's text after the resource's name, with what it was built from (no waiver, no resolution). */
interface LineRest {
  cluster: string | undefined;
  datacenter: string | undefined;
  v: number;
  r: number;
  evidence: unknown;
  text: string;
}

/** `field` remembering its last value's text. */
function lastField(): (s: string | undefined) => string {
  let last: string | undefined;
  let text = field(undefined);
  return (s) => {
    if (s !== last) {
      last = s;
      text = field(s);
    }
    return text;
  };
}

/** The rule's fields of findings as JSON, numbered in order of first use; remembered per rule while unchanged. */
function ruleTexts(): { of(f: Finding): number; texts: string[] } {
  const seen = new Map<string, { f: Finding; ref: number }>();
  const refs = new Map<string, number>();
  const texts: string[] = [];
  return {
    texts,
    of(f) {
      const known = seen.get(f.ruleId);
      if (known !== undefined && sameRuleFields(known.f, f)) return known.ref;
      const text = JSON.stringify([
        f.severity,
        f.category,
        f.pack,
        f.title,
        f.remediation,
        f.rationale ?? null,
        f.controls,
      ]);
      let ref = refs.get(text);
      if (ref === undefined) {
        ref = texts.push(text) - 1;
        refs.set(text, ref);
      }
      seen.set(f.ruleId, { f, ref });
      return ref;
    },
  };
}

/** Whether two have the same JSON text, for the shape `unverifiedBy` builds (two arrays of strings, in that order). */
function sameUnverified(a: Unverified, b: Unverified): boolean {
  const keys = Object.keys(b);
  return (
    keys.length === 2 &&
    keys[0] === 'missing' &&
    keys[1] === 'collect' &&
    sameStrings(a.missing, b.missing) &&
    sameStrings(a.collect, b.collect)
  );
}

function sameStrings(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string' || a[i] !== b[i]) return false;
  return true;
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
