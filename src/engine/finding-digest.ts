import { createHash } from 'node:crypto';
import type { Finding, Unverified } from '../model/finding';
import { plainRecord, sameFlatRecord } from '../model/flat-record';
import { unverifiedGroupOf } from '../store/unverified-pages';
import { DIGEST_BUFFER_BYTES, DigestBytes } from './digest-bytes';

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
 * Texts a digest builds from objects its findings share (a rule's fields, a list of what to collect), kept from one
 * group's digest to the next: each built once per plan instead of once per group, and each one's string the same
 * object each time (its hash, for the numbering's map, computed once), and one buffer for their bytes. Only for
 * digests made one after another with nothing changing the findings in between (`planDigests`).
 */
export class DigestTexts {
  /** Per rule id, a finding whose rule fields' text is `text`. */
  private readonly rules = new Map<string, { fields: Finding; text: string }>();
  /** Per list of what to collect (the evaluation shares one object per distinct list), its JSON text. */
  private readonly verifies = new WeakMap<Unverified, string>();
  /** The bytes each digest writes before hashing them, one buffer for all (the digests are made one at a time). */
  readonly buffer = new Uint8Array(DIGEST_BUFFER_BYTES);

  ruleText(f: Finding): string {
    const known = this.rules.get(f.ruleId);
    if (known !== undefined && sameRuleFields(known.fields, f)) return known.text;
    const text = ruleText(f);
    this.rules.set(f.ruleId, { fields: f, text });
    return text;
  }

  verifyText(verify: Unverified): string {
    let text = this.verifies.get(verify);
    if (text === undefined) {
      text = JSON.stringify(verify);
      this.verifies.set(verify, text);
    }
    return text;
  }
}

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
 * `shared` keeps the texts of rule fields and lists from one digest to the next (`DigestTexts`).
 */
export function viewDigest(
  findings: readonly Finding[],
  indexes: ArrayLike<number>,
  shared: DigestTexts = new DigestTexts(),
): string {
  const out = new DigestBytes(createHash('sha256'), shared.buffer);
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
  // A resource's findings come rule after rule in the same order on each resource of a type: the rule that followed
  // the last one's rule before is tried first, then the map.
  let last: RuleState | undefined;
  for (let n = 0; n < indexes.length; n++) {
    const f = findings[indexes[n]!]!;
    let state = last?.next;
    if (state === undefined || state.ruleId !== f.ruleId) {
      state = ofRule.get(f.ruleId);
      if (state === undefined) {
        state = {
          ruleId: f.ruleId,
          fields: f,
          rule: numbered('rule', shared.ruleText(f)),
          verify: undefined,
          verifyRef: -1,
          rest: undefined,
          next: undefined,
        };
        ofRule.set(f.ruleId, state);
      }
      if (last !== undefined) last.next = state;
    }
    last = state;
    if (state.fields !== f && !sameRuleFields(state.fields, f)) {
      state.fields = f;
      state.rule = numbered('rule', shared.ruleText(f));
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
      const shape = verify !== undefined && sameUnverified(verify, verify);
      // Only a list of the evaluation's shape (two arrays of strings) is taken by its object: its text cannot change
      // while the digests are made.
      v = numbered(
        'verify',
        verify === undefined ? 'null' : shape ? shared.verifyText(verify) : JSON.stringify(verify),
      );
      if (shape) {
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
      // The very object the rest was built from (a flat record of primitives, unchanged while this runs), or equal.
      ((rest.evidence !== f.evidence || rest.keys === undefined) && !sameFlatValues(rest, f.evidence))
    ) {
      const text =
        `${field(f.status)}${field(f.cluster)}${field(f.datacenter)}${field(f.resolvedAt)}` +
        `${w === undefined ? '-' : `w${field(w.reason)}${field(w.owner)}${field(w.expires)}`}` +
        `v${v}r${state.rule}${JSON.stringify(f.evidence)}`;
      const ref = numbered('rest', text);
      const flat = flatValues(f.evidence);
      rest = {
        status: f.status,
        cluster: f.cluster,
        datacenter: f.datacenter,
        v,
        r: state.rule,
        evidence: f.evidence,
        keys: flat.keys,
        values: flat.values,
        ref,
      };
      // Only a finding without waiver or resolution stands for the next ones (the check above asks for both absent).
      if (w === undefined && f.resolvedAt === undefined) state.rest = rest;
    }
    const name = f.resourceName;
    out.record(name === undefined ? TAG.finding : TAG.named, f.fingerprint, name, rest.ref);
  }
  return `${indexes.length}:${out.end().digest('hex')}`;
}

/** What the digest remembers of a rule's last finding, to compare the next one's fields with instead of their texts. */
interface RuleState {
  ruleId: string;
  /** A finding whose rule fields' text has the number `rule`. */
  fields: Finding;
  rule: number;
  /** The last list of what to collect of the shape `sameUnverified` compares, and its text's number. */
  verify: Unverified | undefined;
  verifyRef: number;
  /** The rest of the last finding without waiver or resolution. */
  rest: LineRest | undefined;
  /** The rule whose finding came after this rule's last time. */
  next: RuleState | undefined;
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
  /** The evidence object itself: when it is a flat record, the next finding's very object is equal to it. */
  evidence: unknown;
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
