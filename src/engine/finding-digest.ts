import { createHash } from 'node:crypto';
import type { Finding, Unverified } from '../model/finding';
import { plainRecord, sameFlatRecord } from '../model/flat-record';
import { unverifiedGroupOf } from '../store/unverified-pages';
import { DigestBytes } from './digest-bytes';

/**
 * What a full audit keeps per page group (a cluster's resources, the unclustered ones, the perimeters:
 * `unverifiedGroupOf`) and profile, so the next one need not read the group's stored findings when nothing a reader
 * sees of them changed (docs/audit-read-at-scale.md, "Group digests"):
 * - `digest`: how many findings and a SHA-256 over the fingerprints and views of the group's unresolved findings in
 *   the order the evaluation gave them, a view being every field `sameView` (src/engine/lifecycle.ts) compares; not
 *   when they were seen;
 * - `firstSeen`: their first-seen times in the same order, run-length encoded (`[time, run]`): an audit of an
 *   unchanged group gives its findings these times without reading them. A fleet audited once has one run per group.
 *
 * The order is the evaluation's (src/engine/compile.ts: hosts, VMs, clusters, perimeters, each type's resources by
 * id, a resource's rules group by group as compiled; never the order the fleet's entities were read in), the same for
 * the same fleet and rules (test/app/digest-order.test.ts), and each finding's fingerprint is in the digest: equal
 * digests mean the same findings in the same order, so the stored times go to the right findings whatever the order is. Should an evaluation ever give the same
 * findings in another order, the digests differ and the groups are read, as for any change. (The digests' first form
 * sorted each group by fingerprint: a random walk over 750,000 findings in memory, and a group's first-seen times
 * scattered into as many runs as findings once a group held two of them.)
 */
export interface GroupDigest {
  digest: string;
  firstSeen: [string, number][];
}

/** Candidate findings (by index) of each group, each list in the candidates' order. */
export type CandidateGroups = Map<string, Int32Array>;

/**
 * Groups the candidates by the page group they are stored under, each group's indexes in the candidates' order: the
 * groups are counted first, then each index put at its group's place in one array of the candidates' size (each
 * group's list a view of it), instead of a list per group grown by push (at 750,000 candidates, new memory of about
 * three times their indexes' size, each page touched for the first time about 10 µs on a VM, and lists the collector
 * copies).
 */
export function candidateGroups(candidates: readonly Finding[]): CandidateGroups {
  const names: string[] = [];
  const counts: number[] = [];
  const numbers = new Map<string, number>();
  // One group name per cluster, not per finding (a long cluster id is hashed into its group's name); a resource's
  // findings come one after the other, so the last host or VM's cluster and group are kept too.
  const ofCluster = new Map<string | undefined, number>();
  let lastCluster: string | undefined;
  let last = -1;
  const groupOf = (f: Finding): number => {
    if (f.resourceType === 'vm' || f.resourceType === 'host') {
      if (last !== -1 && f.cluster === lastCluster) return last;
      let g = ofCluster.get(f.cluster);
      if (g === undefined) {
        g = numberOf(unverifiedGroupOf(f));
        ofCluster.set(f.cluster, g);
      }
      lastCluster = f.cluster;
      last = g;
      return g;
    }
    return numberOf(unverifiedGroupOf(f));
  };
  const numberOf = (group: string): number => {
    let g = numbers.get(group);
    if (g === undefined) {
      g = names.length;
      numbers.set(group, g);
      names.push(group);
      counts.push(0);
    }
    return g;
  };
  for (let i = 0; i < candidates.length; i++) counts[groupOf(candidates[i]!)]!++;
  const all = new Int32Array(candidates.length);
  const next: number[] = [];
  const groups: CandidateGroups = new Map();
  let start = 0;
  for (let g = 0; g < names.length; g++) {
    next.push(start);
    groups.set(names[g]!, all.subarray(start, start + counts[g]!));
    start += counts[g]!;
  }
  // The same groups again (the cluster's kept group makes it one comparison per finding of a host or VM).
  lastCluster = undefined;
  last = -1;
  for (let i = 0; i < candidates.length; i++) all[next[groupOf(candidates[i]!)]!++] = i;
  return groups;
}

/** A string field as `<length>:<text>` (absent: `-`): one field never reads as another, without escaping. */
const field = (s: string | undefined) => (s === undefined ? '-' : `${s.length}:${s}`);

/** What each record of a digest's input starts with (src/engine/digest-bytes.ts writes the values after it). */
const TAG = { verify: 1, rule: 2, rest: 3, finding: 4, named: 5 } as const;
/** First in every digest's input: a digest of an earlier form never equals one of this form (a group then is read). */
const FORM = 'hyperaudit view digest 2';

/**
 * The digest of these findings' views (in the order given: `GroupDigest`): a SHA-256 over one record per finding (its
 * fingerprint, its resource's name, and the number of its *rest*: every other field `sameView` compares, as text),
 * written as bytes (`DigestBytes`), no text built per finding. A rest's text holds the status, placement, resolution
 * and waiver (length-prefixed strings, compared with `===` by `sameView`), the number of the rule's fields' JSON and
 * of what to collect's JSON, and the evidence's JSON (values `sameView` compares by their JSON text), so two
 * findings `sameView` calls alike have the same record, and a finding written and read back (its JSON) the same
 * record as before. Texts are numbered in order of first use; each one's text is hashed where it is first used (its
 * own record, before the finding's), so the input reads back one way only. A group's unverified findings of one
 * rule share one rest (the same placement, lists and evidence: the assumed defaults): its text is built once.
 */
export function viewDigest(findings: readonly Finding[], indexes: ArrayLike<number>): string {
  const out = new DigestBytes(createHash('sha256'));
  out.text(FORM);
  const texts = { verify: new Map<string, number>(), rule: new Map<string, number>(), rest: new Map<string, number>() };
  const numbered = (kind: keyof typeof texts, text: string): number => {
    const refs = texts[kind];
    let ref = refs.get(text);
    if (ref === undefined) {
      ref = refs.size;
      refs.set(text, ref);
      out.tag(TAG[kind]);
      out.text(text);
    }
    return ref;
  };
  const ofRule = new Map<string, RuleState>();
  for (let n = 0; n < indexes.length; n++) {
    const f = findings[indexes[n]!]!;
    let state = ofRule.get(f.ruleId);
    if (state === undefined) {
      state = { fields: f, rule: numbered('rule', ruleText(f)), verify: undefined, verifyRef: -1, rest: undefined };
      ofRule.set(f.ruleId, state);
    } else if (!sameRuleFields(state.fields, f)) {
      state.fields = f;
      state.rule = numbered('rule', ruleText(f));
    }
    const verify = f.verify;
    let v: number;
    // The evaluation shares one list of what to collect per distinct list (src/engine/compile.ts): most are the
    // same object again, the others compared by their strings before any JSON is built.
    if (
      verify !== undefined &&
      state.verify !== undefined &&
      (state.verify === verify || sameUnverified(state.verify, verify))
    )
      v = state.verifyRef;
    else {
      v = numbered('verify', verify === undefined ? 'null' : JSON.stringify(verify));
      if (verify !== undefined && sameUnverified(verify, verify)) {
        state.verify = verify;
        state.verifyRef = v;
      }
    }
    const w = f.waiver;
    let rest = state.rest;
    if (
      rest === undefined ||
      w !== undefined ||
      f.resolvedAt !== undefined ||
      rest.status !== f.status ||
      rest.cluster !== f.cluster ||
      rest.datacenter !== f.datacenter ||
      rest.v !== v ||
      rest.r !== state.rule ||
      !sameFlatValues(rest, f.evidence)
    ) {
      const text =
        `${field(f.status)}${field(f.cluster)}${field(f.datacenter)}${field(f.resolvedAt)}` +
        `${w === undefined ? '-' : `w${field(w.reason)}${field(w.owner)}${field(w.expires)}`}` +
        `v${v}r${state.rule}${JSON.stringify(f.evidence)}`;
      const ref = numbered('rest', text);
      rest = {
        status: f.status,
        cluster: f.cluster,
        datacenter: f.datacenter,
        v,
        r: state.rule,
        ...flatValues(f.evidence),
        ref,
      };
      // Only a finding without waiver or resolution stands for the next ones (the check above asks for both absent).
      if (w === undefined && f.resolvedAt === undefined) state.rest = rest;
    }
    const name = f.resourceName;
    out.tag(name === undefined ? TAG.finding : TAG.named);
    out.id(f.fingerprint);
    if (name !== undefined) out.text(name);
    out.count(rest.ref);
  }
  return `${indexes.length}:${out.end().digest('hex')}`;
}

/** What the digest remembers of a rule's last finding, to compare the next one's fields with instead of their texts. */
interface RuleState {
  /** A finding whose rule fields' text has the number `rule`. */
  fields: Finding;
  rule: number;
  /** The last list of what to collect of the shape `sameUnverified` compares, and its text's number. */
  verify: Unverified | undefined;
  verifyRef: number;
  /** The rest of the last finding without waiver or resolution. */
  rest: LineRest | undefined;
}

/**
 * A rest's text's number, with what it was built from (no waiver, no resolution): the evidence as its keys and values
 * when it is a flat record (`sameFlatRecord`), so the next finding's is compared without listing the keys again.
 */
interface LineRest {
  status: string;
  cluster: string | undefined;
  datacenter: string | undefined;
  v: number;
  r: number;
  /** Undefined when the evidence is not a flat record: then no finding's is taken as equal. */
  keys: string[] | undefined;
  values: unknown[];
  ref: number;
}

/** The evidence's keys and values when `sameFlatRecord` would compare it, in the order JSON.stringify writes them. */
function flatValues(evidence: unknown): Pick<LineRest, 'keys' | 'values'> {
  if (!sameFlatRecord(evidence, evidence)) return { keys: undefined, values: [] };
  const record = evidence as Record<string, unknown>;
  const keys = Object.keys(record);
  return { keys, values: keys.map((k) => record[k]) };
}

/** `sameFlatRecord(evidence the rest was built from, evidence)`, with the former's keys and values kept. */
function sameFlatValues(rest: LineRest, evidence: unknown): boolean {
  const { keys, values } = rest;
  if (keys === undefined || typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) return false;
  if (!plainRecord(evidence)) return false;
  let i = 0;
  for (const key in evidence) {
    if (key !== keys[i] || !Object.hasOwn(evidence, key)) return false;
    // The kept values are strings, numbers, booleans or nulls (`flatValues`): `===` is JSON's equality for them.
    if ((evidence as Record<string, unknown>)[key] !== values[i]) return false;
    i++;
  }
  return i === keys.length;
}

/** The rule's fields of a finding as JSON. */
function ruleText(f: Finding): string {
  return JSON.stringify([f.severity, f.category, f.pack, f.title, f.remediation, f.rationale ?? null, f.controls]);
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
export function firstSeenRuns(findings: readonly Finding[], indexes: ArrayLike<number>): [string, number][] {
  const runs: [string, number][] = [];
  for (let n = 0; n < indexes.length; n++) {
    const at = findings[indexes[n]!]!.firstSeen;
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
  indexes: ArrayLike<number>,
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
