import type { Finding, ResourceType } from '../model/finding';
import { DEFAULT_PROFILE, fingerprintAfter, fingerprintPrefix, profileOf } from './fingerprint';
import type { HitMaker, HitPlace } from './hit-maker';
import type { FactValue, LoadedRule, RuleHit, Unverified } from './types';
import type { WaiverMatcher } from './waivers';

export interface LifecycleInput {
  /** Stored findings from earlier runs. */
  previous: readonly Finding[];
  /** What fired in this run. */
  hits: readonly RuleHit[];
  /** Rule ids loaded for this run: findings of other rules are left as they are. */
  ruleIds: ReadonlySet<string>;
  /** Whether a resource was evaluated in this run (everything, for a full audit). */
  evaluated: (resourceType: ResourceType, resourceId: string) => boolean;
  waivers: WaiverMatcher;
  now: string;
  /**
   * The audit's profile: only that profile's stored findings are resolved, reopened or waived, so switching
   * profiles leaves the other profile's lifecycle as it was (issue 15 item 7). Default `scg`.
   */
  profile?: string;
  /** The event a resolution cites when the resource was removed or replaced by a snapshot (`Fleet.snapshotEvidence`). */
  resolvedBy?: (resourceType: ResourceType, resourceId: string) => Finding['resolvedBy'];
}

export interface LifecycleOutput {
  /** Every finding of the loaded rules after this run, resolved ones included: this run's hits first. */
  findings: Finding[];
  /** The subset that differs from what was stored: what to persist. */
  changed: Finding[];
}

function sameWaiver(a: Finding['waiver'], b: Finding['waiver']): boolean {
  return (
    a === b ||
    (a !== undefined && b !== undefined && a.reason === b.reason && a.owner === b.owner && a.expires === b.expires)
  );
}

/** Sets status and waiver on an unresolved finding; returns whether either changed. */
function applyWaiver(f: Finding, waivers: WaiverMatcher, now: string): boolean {
  const w = waivers.match(f.ruleId, f.resourceType, f.resourceId, now);
  const waiver = w ? { reason: w.reason, owner: w.owner, expires: w.expires } : undefined;
  // Not waived: observed failing (open) or failing only on defaults nobody reported (unverified).
  const status = w ? 'waived' : f.verify !== undefined ? 'unverified' : 'open';
  const changed = f.status !== status || !sameWaiver(f.waiver, waiver);
  f.status = status;
  if (waiver) f.waiver = waiver;
  else if (f.waiver !== undefined) delete f.waiver;
  return changed;
}

/**
 * What a reader of a stored finding sees, apart from when it was last seen: a hit whose view is unchanged is
 * not written again (every audit used to rewrite every current finding, a paid write each on AWS).
 */
function sameView(a: Finding, b: Finding, same: SameJsonMemo): boolean {
  return (
    a.status === b.status &&
    a.severity === b.severity &&
    a.category === b.category &&
    a.pack === b.pack &&
    a.title === b.title &&
    a.remediation === b.remediation &&
    a.rationale === b.rationale &&
    a.resourceName === b.resourceName &&
    a.cluster === b.cluster &&
    a.datacenter === b.datacenter &&
    a.resolvedAt === b.resolvedAt &&
    sameWaiver(a.waiver, b.waiver) &&
    same(a.verify, b.verify) &&
    same(a.controls, b.controls) &&
    same(a.evidence, b.evidence)
  );
}

type SameJsonMemo = (a: unknown, b: unknown) => boolean;

/**
 * `sameJson` that remembers which pairs of objects it found alike. A page's members share one decoded copy of the
 * rule's controls and of each repeated evidence value, and every hit of a rule carries the rule's own controls, so
 * most comparisons of one audit are the same few pairs again (the findings are not mutated while it runs).
 */
function sameJsonMemo(): SameJsonMemo {
  const alike = new WeakMap<object, object>();
  return (a, b) => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return sameJson(a, b);
    if (alike.get(a) === b) return true;
    if (!sameJson(a, b)) return false;
    alike.set(a, b);
    return true;
  };
}

/**
 * When a stored finding was last seen: its own `lastSeen` is when it was last written, and every full audit
 * since then that left it unresolved saw it too (the run's time is recorded once, in the run record).
 */
export function lastSeenOf(f: Finding, lastFullAuditAt: string | undefined): string {
  return f.status !== 'resolved' && lastFullAuditAt !== undefined && lastFullAuditAt > f.lastSeen
    ? lastFullAuditAt
    : f.lastSeen;
}

/** What building a hit's finding needs: the hits, waivers, the audit's time and profile. */
export type CandidateInput = Pick<LifecycleInput, 'hits' | 'waivers' | 'now' | 'profile'>;

/**
 * Each hit as the finding the audit stores, in hit order, as if first seen now (`firstSeen` = `lastSeen` = now, the
 * waiver applied): what `computeLifecycle` compares with the stored findings, and what a full audit's group digests
 * describe (src/engine/finding-digest.ts) before anything is read. A full audit builds them as it evaluates instead
 * (`candidateMaker`, then `waiveCandidates`): the same findings without a hit object each.
 */
export function lifecycleCandidates(input: CandidateInput): Finding[] {
  const make = candidateMaker(input.now, input.profile);
  const out: Finding[] = new Array(input.hits.length);
  const place: { name: string | undefined; cluster: string | undefined; datacenter: string | undefined } = {
    name: undefined,
    cluster: undefined,
    datacenter: undefined,
  };
  for (let i = 0; i < input.hits.length; i++) {
    const h = input.hits[i]!;
    place.name = h.resourceName;
    place.cluster = h.cluster;
    place.datacenter = h.datacenter;
    out[i] = make(h.rule, h.resourceType, h.resourceId, place, h.evidence, h.unverified);
  }
  waiveCandidates(out, input.waivers, input.now);
  return out;
}

/**
 * Builds a hit's finding as `CompiledRules.evaluateAs` finds the hit, before any waiver: open, or unverified when it
 * fired only on defaults nobody reported.
 */
export function candidateMaker(now: string, profile: string = DEFAULT_PROFILE): HitMaker<Finding> {
  const ofRule = new Map<LoadedRule, RuleFields>();
  return (rule, resourceType, resourceId, place, evidence, unverified) => {
    let r = ofRule.get(rule);
    if (r === undefined || r.resourceType !== resourceType) {
      r = ruleFields(rule, resourceType, profile);
      ofRule.set(rule, r);
    }
    const fp = fingerprintAfter(r.prefix, resourceId);
    const status = unverified === undefined ? 'open' : 'unverified';
    return candidateOf(r, resourceId, place, evidence, unverified, fp, status, profile, now);
  };
}

/**
 * Applies the waivers to candidates from `candidateMaker`, in place: a waived one gets status `waived` and its
 * `waiver` as the last key, as `lifecycleCandidates` has always built it. The waivers are known only once the
 * evaluation that built the candidates is done (they are read beside the fleet).
 */
export function waiveCandidates(candidates: readonly Finding[], waivers: WaiverMatcher, now: string): void {
  for (let i = 0; i < candidates.length; i++) {
    const f = candidates[i]!;
    const w = waivers.match(f.ruleId, f.resourceType, f.resourceId, now);
    if (w === undefined) continue;
    f.status = 'waived';
    f.waiver = { reason: w.reason, owner: w.owner, expires: w.expires };
  }
}

/**
 * A rule's fields a finding carries, read once per rule and resource type into an object of one shape (the rules' own
 * objects come in several, with optional fields), with the fingerprint's key up to the resource id built once.
 */
interface RuleFields {
  id: string;
  pack: string;
  severity: Finding['severity'];
  category: Finding['category'];
  title: string;
  controls: Finding['controls'];
  rationale: string | undefined;
  remediation: string;
  resourceType: ResourceType;
  /** `fingerprintPrefix` of the rule, the resource type and the profile. */
  prefix: string;
}

function ruleFields(rule: LoadedRule, resourceType: ResourceType, profile: string): RuleFields {
  return {
    id: rule.id,
    pack: rule.pack,
    severity: rule.severity,
    category: rule.category,
    title: rule.title,
    controls: rule.controls,
    rationale: rule.rationale,
    remediation: rule.remediation,
    resourceType,
    prefix: fingerprintPrefix(rule.id, resourceType, profile),
  };
}

/**
 * A hit's finding before any waiver, its keys in one order whatever path builds it (what stored findings and the JSON
 * document show). The usual hit, a named host or VM in a cluster and datacenter under the default profile, is one
 * object literal with every key: the findings live to the end of the audit (750,000 at 100,000 VMs), and keys added
 * one by one to a literal's object go to a second, growing array of properties beside it.
 */
function candidateOf(
  r: RuleFields,
  resourceId: string,
  place: HitPlace,
  evidenceValues: Record<string, FactValue>,
  unverified: Unverified | undefined,
  fp: string,
  status: Finding['status'],
  profile: string,
  now: string,
): Finding {
  const { name: resourceName, cluster, datacenter } = place;
  const resourceType = r.resourceType;
  const evidence = evidenceValues as Record<string, unknown>;
  if (resourceName !== undefined && cluster !== undefined && datacenter !== undefined && profile === DEFAULT_PROFILE) {
    return unverified === undefined
      ? {
          fingerprint: fp,
          ruleId: r.id,
          pack: r.pack,
          severity: r.severity,
          category: r.category,
          resourceType,
          resourceId,
          title: r.title,
          evidence,
          controls: r.controls,
          rationale: r.rationale,
          remediation: r.remediation,
          status,
          firstSeen: now,
          lastSeen: now,
          resourceName,
          cluster,
          datacenter,
        }
      : {
          fingerprint: fp,
          ruleId: r.id,
          pack: r.pack,
          severity: r.severity,
          category: r.category,
          resourceType,
          resourceId,
          title: r.title,
          evidence,
          controls: r.controls,
          rationale: r.rationale,
          remediation: r.remediation,
          status,
          firstSeen: now,
          lastSeen: now,
          resourceName,
          cluster,
          datacenter,
          verify: unverified,
        };
  }
  const finding: Finding = {
    fingerprint: fp,
    ruleId: r.id,
    pack: r.pack,
    severity: r.severity,
    category: r.category,
    resourceType,
    resourceId,
    title: r.title,
    evidence,
    controls: r.controls,
    rationale: r.rationale,
    remediation: r.remediation,
    status,
    firstSeen: now,
    lastSeen: now,
  };
  if (resourceName !== undefined) finding.resourceName = resourceName;
  if (profile !== DEFAULT_PROFILE) finding.profile = profile;
  if (cluster !== undefined) finding.cluster = cluster;
  if (datacenter !== undefined) finding.datacenter = datacenter;
  if (unverified !== undefined) finding.verify = unverified;
  return finding;
}

/**
 * Candidates whose stored copy need not be read: a full audit's group digest said its group's stored findings are
 * exactly these (same views, none else unresolved), so each keeps its stored `firstSeen` and nothing is written.
 */
export interface SettledCandidates {
  /** Per candidate (same index): the stored `firstSeen` of a settled one, undefined for the rest. */
  firstSeen: readonly (string | undefined)[];
}

/**
 * The lifecycle's input: the hits, their candidates (`lifecycleCandidates` of them, or the same findings built during
 * the evaluation by `candidateMaker` and waived by `waiveCandidates`) or both.
 */
export type LifecycleRun = Omit<LifecycleInput, 'hits'> &
  (
    | { hits: LifecycleInput['hits']; candidates?: Finding[]; settled?: SettledCandidates }
    | { hits?: undefined; candidates: Finding[]; settled?: SettledCandidates }
  );

/**
 * Pure lifecycle step. New hit → open, or unverified when it fired only on defaults nobody reported (firstSeen =
 * now; a finding moves between open and unverified as its data is reported or stops being); hit again → lastSeen = now (written only when what a
 * reader sees changed: see sameView); a resolved finding
 * that fires again → open again, keeping its original firstSeen; an evaluated resource whose finding no
 * longer fires → resolved (resolvedAt = now). Waivers apply to every unresolved finding, evaluated or not,
 * so an expired waiver reopens a finding even when its resource did not change. Waived findings stay.
 * Inputs are not mutated, except `candidates` when given (they become the output's findings).
 *
 * `candidates` (from `lifecycleCandidates` over the same hits, or `candidateMaker` then `waiveCandidates`) saves
 * building them again; `settled` says which of them a group digest vouched for: `previous` then need not hold their
 * stored copies.
 */
export function computeLifecycle(input: LifecycleRun): LifecycleOutput {
  const { now, waivers } = input;
  const profile = input.profile ?? DEFAULT_PROFILE;
  const own: Finding[] = [];
  const previous = new Map<string, Finding>();
  for (const f of input.previous)
    if (profileOf(f) === profile) {
      own.push(f);
      previous.set(f.fingerprint, f);
    }
  const candidates = input.hits === undefined ? input.candidates : (input.candidates ?? lifecycleCandidates(input));
  const settled = input.settled?.firstSeen;
  // This run's hits first, as they are (one copy of the list, not 750,000 pushes into a growing one).
  const findings: Finding[] = candidates.slice();
  const changed: Finding[] = [];
  // Which stored findings of this profile were hit again. Only they are asked about, so the set holds only them: an
  // audit whose group digests settled every group has few or none, against 750,000 hits at 100,000 VMs.
  const ownFingerprints = new Set<string>();
  for (const f of own) ownFingerprints.add(f.fingerprint);
  const hit = new Set<string>();
  const same = sameJsonMemo();
  for (let i = 0; i < candidates.length; i++) {
    const finding = candidates[i]!;
    const fp = finding.fingerprint;
    if (ownFingerprints.size > 0 && ownFingerprints.has(fp)) hit.add(fp);
    const storedFirstSeen = settled?.[i];
    if (storedFirstSeen !== undefined) {
      finding.firstSeen = storedFirstSeen;
      continue;
    }
    const before = previous.get(fp);
    if (before !== undefined) finding.firstSeen = before.firstSeen;
    if (before === undefined || !sameView(before, finding, same)) changed.push(finding);
  }
  for (const prev of own) {
    if (hit.has(prev.fingerprint) || !input.ruleIds.has(prev.ruleId)) continue;
    if (prev.status === 'resolved') {
      findings.push(prev);
    } else if (input.evaluated(prev.resourceType, prev.resourceId)) {
      const resolved = resolvedFinding(prev, now, input.resolvedBy?.(prev.resourceType, prev.resourceId));
      findings.push(resolved);
      changed.push(resolved);
    } else {
      const copy: Finding = { ...prev };
      findings.push(copy);
      if (applyWaiver(copy, waivers, now)) changed.push(copy);
    }
  }
  return { findings, changed };
}

/**
 * Whether two values have the same JSON text, as `JSON.stringify(a) === JSON.stringify(b)` says, without building
 * the texts when a walk finds them equal (most compared findings are unchanged: 2 x 3 texts per finding were most of
 * the lifecycle's time). Anything the walk cannot vouch for (other key order, class instances, toJSON) is stringified.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return sameShape(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

/** True only when both serialise alike: equal primitives, or plain arrays/objects with the same keys in order. */
function sameShape(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameShape(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * A stored finding resolved at `at`, as the lifecycle resolves one of a resource judged and not hit: without the open
 * finding's waiver, earlier cause and what to collect; with the event that removed or replaced its resource, if any.
 */
export function resolvedFinding(f: Finding, at: string, cause: Finding['resolvedBy'] | undefined): Finding {
  const { waiver: _w, resolvedBy: _b, verify: _v, ...rest } = f;
  const resolved: Finding = { ...rest, status: 'resolved', resolvedAt: at };
  if (cause) resolved.resolvedBy = cause;
  return resolved;
}
