import { getOrCreate } from '../model/get-or-create';
import type { ControlRef, Finding, ResourceType, Severity } from '../model/finding';
import type { LoadedRule, RuleCoverage } from './types';
import { byId } from '../model/event-order';

/** How one rule came out on one resource in one audit. */
export type Outcome = 'pass' | 'fail' | 'waived' | 'notApplicable' | 'unverified';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'waived', 'notApplicable', 'unverified'];
export type OutcomeCounts = Record<Outcome, number>;

/** One rule's results in one audit: counts, and the resources that are not plain passes. */
export interface RuleCompliance extends OutcomeCounts {
  ruleId: string;
  title: string;
  severity: Severity;
  resourceType: ResourceType;
  controls: ControlRef[];
  /** Index into `ComplianceRecord.evaluatedSets`: the resources the rule was evaluated on (rules share them). */
  evaluated: number;
  failIds: string[];
  unverifiedIds: readonly string[];
  waivedIds: string[];
}

export interface ControlCompliance extends OutcomeCounts {
  framework: string;
  id: string;
  rules: string[];
  /** fail if any resource fails, else unverified if any is, else pass (waived counts as pass), else notApplicable. */
  status: 'pass' | 'fail' | 'unverified' | 'notApplicable';
}

export interface FrameworkCompliance {
  framework: string;
  name: string;
  controls: number;
  controlsPassing: number;
  controlsFailing: number;
  controlsUnverified: number;
  checks: OutcomeCounts;
  /** pass / (pass + fail + unverified) over rule × resource checks, in percent; null when nothing was checked. */
  percentCompliant: number | null;
}

/** Per-audit compliance view: what the report, JSON and JUnit read. One per full audit. */
export interface ComplianceRecord {
  at: string;
  profile: string;
  /** Resources of each type in the fleet at the time (a rule not evaluated on one: not applicable). */
  resources: Record<ResourceType, number>;
  evaluatedSets: (readonly string[])[];
  rules: RuleCompliance[];
  controls: ControlCompliance[];
  frameworks: FrameworkCompliance[];
}

/** What history keeps of each audit: the figures, without resource ids. */
export interface ComplianceSummary {
  at: string;
  profile: string;
  frameworks: FrameworkCompliance[];
  rules: ({ ruleId: string } & OutcomeCounts)[];
}

const FRAMEWORK_NAMES: Record<string, string> = {
  'vsphere-8-scg': 'vSphere 8 SCG',
  'disa-stig': 'DISA STIG',
  'pci-dss-4.0': 'PCI DSS 4.0',
  'nist-800-53-r5': 'NIST SP 800-53 Rev. 5',
  'disa-vmm-srg': 'DISA VMM SRG',
};
/** The frameworks listed first, in this order; any other follows alphabetically. */
const FRAMEWORK_ORDER = ['vsphere-8-scg', 'disa-stig', 'pci-dss-4.0', 'nist-800-53-r5'];

export function frameworkName(id: string): string {
  return FRAMEWORK_NAMES[id] ?? id;
}

export function zeroOutcomes(): OutcomeCounts {
  return { pass: 0, fail: 0, waived: 0, notApplicable: 0, unverified: 0 };
}

function add(into: OutcomeCounts, from: OutcomeCounts): void {
  for (const o of OUTCOMES) into[o] += from[o];
}

export function percentCompliant(c: OutcomeCounts): number | null {
  const checked = c.pass + c.fail + c.unverified;
  return checked === 0 ? null : Math.round((c.pass / checked) * 1000) / 10;
}

/**
 * Finds or adds a rule's evaluated resources in `sets`. Equal lists are kept once, whether the evaluation shares
 * one array between the rules of a group (a whole-fleet audit) or hands each rule its own copy (the sharded
 * audit's merge, or lists read back from the shards' files): the ids are most of a compliance record's bytes. A
 * list is kept as the evaluation's array itself, not a copy: nothing writes to either after the evaluation.
 */
function evaluatedSetIndex(sets: (readonly string[])[]): (ids: readonly string[]) => number {
  const byArray = new Map<readonly string[], number>();
  const byLength = new Map<number, number[]>();
  const same = (a: readonly string[], b: readonly string[]) => a.every((id, i) => id === b[i]);
  return (ids) => {
    const known = byArray.get(ids);
    if (known !== undefined) return known;
    const candidates = getOrCreate(byLength, ids.length, () => []);
    let index = candidates.find((i) => same(ids, sets[i]!));
    if (index === undefined) {
      index = sets.length;
      sets.push(ids);
      candidates.push(index);
    }
    byArray.set(ids, index);
    return index;
  };
}

/**
 * Which of a rule's evaluated ids rest on unreported facts (1), or undefined when none does. The evaluation lists them
 * in the order of the evaluated ids (the sharded audit sorts both), so one walk finds them without a set of the
 * fleet's ids per rule (a million insertions per audit at 60,000 VMs); a list in another order falls back to one.
 */
function unverifiedMarks(ids: readonly string[], unverified: readonly string[] | undefined): Uint8Array | undefined {
  if (unverified === undefined || unverified.length === 0) return undefined;
  const marks = new Uint8Array(ids.length);
  let u = 0;
  for (let i = 0; i < ids.length; i++) {
    if (u < unverified.length && ids[i] === unverified[u]) {
      marks[i] = 1;
      u++;
    } else if (u > 0 && ids[i] === unverified[u - 1]) marks[i] = 1; // a repeated id of a sorted list
  }
  if (u === unverified.length) return marks;
  const set = new Set(unverified);
  for (let i = 0; i < ids.length; i++) marks[i] = set.has(ids[i]!) ? 1 : 0;
  return marks;
}

function everyMarked(marks: Uint8Array): boolean {
  for (let i = 0; i < marks.length; i++) if (marks[i] !== 1) return false;
  return true;
}

/** A finding's status as the compliance view reads it (any other status reads as no finding). */
const NONE = 0;
const OPEN = 1;
const WAIVED = 2;
const UNVERIFIED = 3;
function statusCode(status: string): number {
  return status === 'open' ? OPEN : status === 'waived' ? WAIVED : status === 'unverified' ? UNVERIFIED : NONE;
}

/** Whether each id of `ids` is below the next (code-unit order): no id repeated, and one found by binary search. */
function strictlyAscending(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) return false;
  return true;
}

/**
 * Where each id of an evaluated list is: a whole-fleet audit lists its resources in id order (the fleet index sorts
 * them), so an id is found by its position there without a map of the list (`ascending`); a list with repeated ids
 * (a sharded merge's) or in another order has a map of each id's first position, a repeated id sharing its first
 * slot (`at`).
 */
class EvaluatedPositions {
  readonly ascending: boolean;
  readonly first: Map<string, number> | undefined;
  readonly at: Uint32Array | undefined;

  constructor(readonly ids: readonly string[]) {
    this.ascending = strictlyAscending(ids);
    if (this.ascending) return;
    const first = new Map<string, number>();
    const at = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const known = first.get(id);
      if (known === undefined) first.set(id, i);
      at[i] = known ?? i;
    }
    this.first = first;
    this.at = at;
  }

  /**
   * The position of `id` (its first), or -1 when not listed. `from`: where the previous finding of the rule was
   * found plus one, where the next one usually is (a rule's findings come sorted by resource id).
   */
  find(id: string, from: number): number {
    const ids = this.ids;
    if (this.first !== undefined) return this.first.get(id) ?? -1;
    if (from < ids.length && ids[from] === id) return from;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = ids[mid]!;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** One rule's finding statuses by position in its evaluated list (`positions.at`: each position's first occurrence). */
interface RuleStatuses {
  status: Uint8Array;
  positions: EvaluatedPositions;
  /** Where the rule's previous finding was found, plus one. */
  next: number;
  /** Whether any finding put an open or waived status (a later one may have put another over it). */
  failedOrWaived: boolean;
}

/**
 * Per rule, the status of its finding on each of its evaluated resources (by position): one position index per
 * distinct evaluated list (rules of a group share one) instead of one map of findings per rule, which at 100,000 VMs
 * was 750,000 insertions and millions of lookups. A later finding of the same rule and resource wins, as it did.
 */
function findingStatuses(
  rules: readonly LoadedRule[],
  coverage: ReadonlyMap<string, RuleCoverage>,
  findings: readonly Finding[],
): Map<LoadedRule, RuleStatuses> {
  const positions = new Map<readonly string[], EvaluatedPositions>();
  const rulesById = new Map<string, LoadedRule[]>();
  for (const rule of rules) getOrCreate(rulesById, rule.id, () => []).push(rule);
  const out = new Map<LoadedRule, RuleStatuses>();
  const entryOf = (rule: LoadedRule) =>
    getOrCreate(out, rule, () => {
      const ids = coverage.get(rule.id)?.resourceIds ?? [];
      const at = getOrCreate(positions, ids, () => new EvaluatedPositions(ids));
      return { status: new Uint8Array(ids.length), positions: at, next: 0, failedOrWaived: false };
    });
  let lastRuleId: string | undefined;
  let lastRules: LoadedRule[] | undefined;
  // The first of `lastRules`' entries, held while its findings last: most rule ids have one rule.
  let lastEntry: RuleStatuses | undefined;
  for (let n = 0; n < findings.length; n++) {
    const f = findings[n]!;
    if (f.status === 'resolved') continue;
    if (f.ruleId !== lastRuleId) {
      lastRuleId = f.ruleId;
      lastRules = rulesById.get(f.ruleId);
      lastEntry = undefined;
    }
    if (lastRules === undefined) continue;
    const code = statusCode(f.status);
    for (let r = 0; r < lastRules.length; r++) {
      const rule = lastRules[r]!;
      if (rule.resourceType !== f.resourceType) continue;
      let entry: RuleStatuses;
      if (r === 0) {
        lastEntry ??= entryOf(rule);
        entry = lastEntry;
      } else entry = entryOf(rule);
      const i = entry.positions.find(f.resourceId, entry.next);
      if (i === -1) continue;
      entry.status[i] = code;
      entry.next = i + 1;
      if (code === OPEN || code === WAIVED) entry.failedOrWaived = true;
    }
  }
  return out;
}

export interface ComplianceInput {
  at: string;
  profile: string;
  rules: readonly LoadedRule[];
  coverage: readonly RuleCoverage[];
  /** Current findings (open, unverified, waived) of this audit. */
  findings: readonly Finding[];
  resources: Record<ResourceType, number>;
}

/**
 * Folds an audit's coverage and findings into per rule, control and framework outcomes. Each rule × evaluated
 * resource is exactly one outcome: its finding's status (open → fail, waived, unverified), else unverified when
 * the rule's result rested on facts nobody reported, else pass. Resources of the rule's type it was not
 * evaluated on (appliesTo excluded them) are not applicable.
 */
export function buildCompliance(input: ComplianceInput): ComplianceRecord {
  const coverage = new Map(input.coverage.map((c) => [c.ruleId, c]));
  const evaluatedSets: (readonly string[])[] = [];
  const setIndex = evaluatedSetIndex(evaluatedSets);
  const sorted = [...input.rules].sort(byId);
  const statuses = findingStatuses(sorted, coverage, input.findings);
  const rules: RuleCompliance[] = [];
  for (const rule of sorted) {
    const cov = coverage.get(rule.id);
    const ids = cov?.resourceIds ?? [];
    const set = setIndex(ids);
    const unknown = unverifiedMarks(ids, cov?.unverifiedIds);
    const found = statuses.get(rule);
    const failIds: string[] = [];
    let unverifiedIds: readonly string[] = [];
    const waivedIds: string[] = [];
    // A rule with no finding and nothing unreported passes everywhere, and one whose every resource rests on
    // unreported facts with nothing failing or waived is unverified everywhere (at 100,000 VMs of sparse data, 25
    // rules of 100,000 ids each): neither needs a walk. The latter's list is the evaluated list itself, not a copy
    // (2.5 million ids, 20 MB of new memory on the sparse fleet): nothing writes to either after the evaluation.
    if (unknown !== undefined && found?.failedOrWaived !== true && everyMarked(unknown)) unverifiedIds = ids;
    else if (found !== undefined || unknown !== undefined) {
      const status = found?.status;
      const at = found?.positions.at;
      const unverified: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const code = status === undefined ? NONE : status[at === undefined ? i : at[i]!]!;
        if (code === OPEN) failIds.push(ids[i]!);
        else if (code === WAIVED) waivedIds.push(ids[i]!);
        else if (code === UNVERIFIED || (unknown !== undefined && unknown[i] === 1)) unverified.push(ids[i]!);
      }
      unverifiedIds = unverified;
    }
    const entry: RuleCompliance = {
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      resourceType: rule.resourceType,
      controls: rule.controls,
      evaluated: set,
      pass: ids.length - failIds.length - waivedIds.length - unverifiedIds.length,
      fail: failIds.length,
      waived: waivedIds.length,
      notApplicable: Math.max(0, input.resources[rule.resourceType] - ids.length),
      unverified: unverifiedIds.length,
      failIds,
      unverifiedIds,
      waivedIds,
    };
    rules.push(entry);
  }
  const controls = controlsOf(rules);
  return {
    at: input.at,
    profile: input.profile,
    resources: input.resources,
    evaluatedSets,
    rules,
    controls,
    frameworks: frameworksOf(rules, controls),
  };
}

function controlsOf(rules: readonly RuleCompliance[]): ControlCompliance[] {
  const byControl = new Map<string, ControlCompliance>();
  for (const r of rules) {
    for (const c of r.controls) {
      const k = `${c.framework}\u0000${c.id}`;
      const entry = getOrCreate(byControl, k, () => ({
        framework: c.framework,
        id: c.id,
        rules: [] as string[],
        status: 'notApplicable' as ControlCompliance['status'],
        ...zeroOutcomes(),
      }));
      if (!entry.rules.includes(r.ruleId)) entry.rules.push(r.ruleId);
      add(entry, r);
    }
  }
  for (const c of byControl.values()) {
    c.status = c.fail > 0 ? 'fail' : c.unverified > 0 ? 'unverified' : c.pass + c.waived > 0 ? 'pass' : 'notApplicable';
  }
  return [...byControl.values()].sort((a, b) => frameworkRank(a.framework) - frameworkRank(b.framework) || byId(a, b));
}

function frameworkRank(f: string): number {
  const i = FRAMEWORK_ORDER.indexOf(f);
  return i === -1 ? FRAMEWORK_ORDER.length : i;
}

function frameworksOf(rules: readonly RuleCompliance[], controls: readonly ControlCompliance[]): FrameworkCompliance[] {
  const out = new Map<string, FrameworkCompliance>();
  for (const c of controls) {
    const fw = getOrCreate(
      out,
      c.framework,
      (): FrameworkCompliance => ({
        framework: c.framework,
        name: frameworkName(c.framework),
        controls: 0,
        controlsPassing: 0,
        controlsFailing: 0,
        controlsUnverified: 0,
        checks: zeroOutcomes(),
        percentCompliant: null,
      }),
    );
    fw.controls++;
    if (c.status === 'pass') fw.controlsPassing++;
    else if (c.status === 'fail') fw.controlsFailing++;
    else if (c.status === 'unverified') fw.controlsUnverified++;
  }
  // Checks count each rule × resource once per framework, even when a rule maps to several of its controls.
  for (const fw of out.values()) {
    for (const r of rules) if (r.controls.some((c) => c.framework === fw.framework)) add(fw.checks, r);
    fw.percentCompliant = percentCompliant(fw.checks);
  }
  return [...out.values()].sort(
    (a, b) =>
      frameworkRank(a.framework) - frameworkRank(b.framework) ||
      (a.framework < b.framework ? -1 : a.framework > b.framework ? 1 : 0),
  );
}

export function summariseCompliance(record: ComplianceRecord): ComplianceSummary {
  return {
    at: record.at,
    profile: record.profile,
    frameworks: record.frameworks,
    rules: record.rules.map((r) => ({
      ruleId: r.ruleId,
      pass: r.pass,
      fail: r.fail,
      waived: r.waived,
      notApplicable: r.notApplicable,
      unverified: r.unverified,
    })),
  };
}

/**
 * A rule's outcome on each resource that did not pass (fail before waived before unverified, as the lists may
 * overlap): one lookup per evaluated resource instead of one in each of three sets. JUnit asks 4 million times at
 * 100,000 VMs, twice.
 */
export function outcomesOf(rule: RuleCompliance): Map<string, Exclude<Outcome, 'notApplicable' | 'pass'>> {
  const outcomes = new Map<string, Exclude<Outcome, 'notApplicable' | 'pass'>>();
  for (const id of rule.unverifiedIds) outcomes.set(id, 'unverified');
  for (const id of rule.waivedIds) outcomes.set(id, 'waived');
  for (const id of rule.failIds) outcomes.set(id, 'fail');
  return outcomes;
}

/** Each rule × evaluated resource with its outcome, in rule then resource order (JUnit's test cases). */
export function* ruleOutcomes(
  record: ComplianceRecord,
): Generator<{ rule: RuleCompliance; resourceId: string; outcome: Exclude<Outcome, 'notApplicable'> }> {
  for (const rule of record.rules) {
    const outcomes = outcomesOf(rule);
    for (const id of record.evaluatedSets[rule.evaluated] ?? [])
      yield { rule, resourceId: id, outcome: outcomes.get(id) ?? 'pass' };
  }
}
