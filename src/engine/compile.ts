import { getOrCreate } from '../model/get-or-create';
import type { ResourceType } from '../model/finding';
import type { FactDef } from './facts/define';
import { FACTS } from './facts/registry';
import { factKey } from './fact-key';
import { contextsOf, type FleetIndex, type ResourceContext } from './fleet-index';
import { ChunkedList } from './chunked-list';
import { HitSite, ruleHit, type HitMaker } from './hit-maker';
import { compilePath, OPERATORS } from './operators';
import { compareText } from '../model/event-order';
import type {
  Condition,
  FactCondition,
  FactRef,
  FactValue,
  LoadedRule,
  RuleCoverage,
  RuleHit,
  Scalar,
  Unverified,
} from './types';

/**
 * One resource's fact values, computed on first use. One per resource type, moved from resource to resource
 * (`moveTo`): an audit evaluates 100,000+ resources, and a cache (two arrays) each was garbage for every one.
 */
class FactCache {
  private readonly values: (FactValue | undefined)[];
  /** 0 not computed, 1 reported, 2 not reported. */
  private readonly reportedState: Uint8Array;
  constructor(
    private ctx: ResourceContext,
    private readonly slots: FactSlots,
  ) {
    this.values = new Array<FactValue | undefined>(slots.defs.length).fill(undefined);
    this.reportedState = new Uint8Array(slots.defs.length);
  }

  /** Forgets every value: from now on the facts are `ctx`'s. */
  moveTo(ctx: ResourceContext): void {
    this.ctx = ctx;
    this.values.fill(undefined);
    this.reportedState.fill(0);
  }

  slotFact(i: number): string {
    return this.slots.defs[i]!.id;
  }
  slotParams(i: number): Readonly<Record<string, Scalar>> {
    return this.slots.params[i]!;
  }
  /** Slot `i`'s fact as evidence names it (`factKey`), one string per slot. */
  slotKey(i: number): string {
    return this.slots.factKeyOf(i);
  }

  /** Whether a source reported what slot `i` reads (facts without provenance always are). */
  reported(i: number): boolean {
    let r = this.reportedState[i]!;
    if (r === 0) {
      const provenance = this.slots.defs[i]!.provenance;
      const ok =
        provenance === undefined
          ? true
          : provenance.reported !== undefined
            ? (provenance.reported as (c: ResourceContext, p: Readonly<Record<string, Scalar>>) => boolean)(
                this.ctx,
                this.slots.params[i]!,
              )
            : this.get(i) !== null;
      r = ok ? 1 : 2;
      this.reportedState[i] = r;
    }
    return r === 1;
  }

  /** What to collect so slot `i` is reported. */
  collectHint(i: number): string {
    const provenance = this.slots.defs[i]!.provenance;
    return provenance === undefined
      ? ''
      : (provenance.collect as (c: ResourceContext, p: Readonly<Record<string, Scalar>>) => string)(
          this.ctx,
          this.slots.params[i]!,
        );
  }

  get(i: number): FactValue {
    let v = this.values[i];
    if (v === undefined) {
      const def = this.slots.defs[i]!;
      v = (def.compute as (c: ResourceContext, p: Readonly<Record<string, Scalar>>) => FactValue)(
        this.ctx,
        this.slots.params[i]!,
      );
      if (v === undefined) throw new Error(`fact ${def.id} returned undefined for ${this.ctx.type} ${this.ctx.id}`);
      this.values[i] = v;
    }
    return v;
  }
}
type Pred = (facts: FactCache) => boolean;
/** Three-valued (Kleene) result: a condition over a fact nobody reported is unknown, not true or false. */
const FALSE = 0;
const TRUE = 1;
const UNKNOWN = 2;
type Tri = typeof FALSE | typeof TRUE | typeof UNKNOWN;
type TriPred = (facts: FactCache) => Tri;

class FactSlots {
  readonly keys = new Map<string, number>();
  readonly defs: FactDef[] = [];
  readonly params: Readonly<Record<string, Scalar>>[] = [];
  private readonly factKeys: (string | undefined)[] = [];
  constructor(private readonly type: ResourceType) {}

  /** `factKey` of slot `i`, made once: every unverified hit lists the facts it lacks by these names. */
  factKeyOf(i: number): string {
    let key = this.factKeys[i];
    if (key === undefined) {
      key = factKey({ fact: this.defs[i]!.id, params: this.params[i]! });
      this.factKeys[i] = key;
    }
    return key;
  }

  slot(ref: FactRef): number {
    const key = JSON.stringify([ref.fact, ref.params ?? {}]);
    let i = this.keys.get(key);
    if (i === undefined) {
      const def = (FACTS[this.type] as ReadonlyMap<string, FactDef>).get(ref.fact);
      if (!def) throw new Error(`undefined fact "${ref.fact}" for ${this.type}`);
      i = this.defs.length;
      this.keys.set(key, i);
      this.defs.push(def);
      this.params.push(ref.params ?? {});
    }
    return i;
  }
}

/**
 * Hand-written compiler from json-rules-engine condition JSON to plain predicates. json-rules-engine
 * evaluates every condition through promises, an almanac and per-run fact caches; for a fleet of
 * 100,000 resources that overhead dominates. Compiling once gives synchronous closures over a per-resource
 * fact cache. json-rules-engine stays the reference: test/engine/equivalence.test.ts checks both agree.
 */
function compileCondition(c: Condition, slots: FactSlots): Pred {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(x, slots));
    return (facts) => {
      for (const p of parts) if (!p(facts)) return false;
      return true;
    };
  }
  if ('any' in c) {
    // json-rules-engine 7.3.1 treats an empty `any` as true (prioritizeAndRun returns true for no conditions).
    if (c.any.length === 0) return () => true;
    const parts = c.any.map((x) => compileCondition(x, slots));
    return (facts) => {
      for (const p of parts) if (p(facts)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, slots);
    return (facts) => !inner(facts);
  }
  return compileLeaf(c, slots);
}

function compileLeaf(c: FactCondition, slots: FactSlots): Pred {
  // Own properties only: `constructor` or `__proto__` must never resolve to Object.prototype's members.
  const op = Object.hasOwn(OPERATORS, c.operator) ? OPERATORS[c.operator] : undefined;
  if (!op) throw new Error(`unknown operator ${JSON.stringify(c.operator)}`);
  const slot = slots.slot(c);
  const value = c.value;
  if (c.path !== undefined) {
    const resolve = compilePath(c.path);
    return (facts) => op(resolve(facts.get(slot)), value);
  }
  return (facts) => op(facts.get(slot), value);
}

/**
 * The same condition with unreported facts as unknown: `all` is false if any part is false, true if all are
 * true, else unknown; `any` the dual; `not` swaps true and false. A rule that is unknown here was decided only
 * by assumed defaults (or by a null standing in for "not reported"): its result is unverified.
 */
function compileTri(c: Condition, slots: FactSlots): TriPred {
  if ('all' in c) {
    const parts = c.all.map((x) => compileTri(x, slots));
    return (facts) => {
      let result: Tri = TRUE;
      for (const p of parts) {
        const v = p(facts);
        if (v === FALSE) return FALSE;
        if (v === UNKNOWN) result = UNKNOWN;
      }
      return result;
    };
  }
  if ('any' in c) {
    if (c.any.length === 0) return () => TRUE;
    const parts = c.any.map((x) => compileTri(x, slots));
    return (facts) => {
      let result: Tri = FALSE;
      for (const p of parts) {
        const v = p(facts);
        if (v === TRUE) return TRUE;
        if (v === UNKNOWN) result = UNKNOWN;
      }
      return result;
    };
  }
  if ('not' in c) {
    const inner = compileTri(c.not, slots);
    return (facts) => {
      const v = inner(facts);
      return v === UNKNOWN ? UNKNOWN : v === TRUE ? FALSE : TRUE;
    };
  }
  const pred = compileLeaf(c, slots);
  const slot = slots.slot(c);
  return (facts) => (!facts.reported(slot) ? UNKNOWN : pred(facts) ? TRUE : FALSE);
}

/** Slots of the facts a condition reads that carry provenance (may be unreported), each once. */
function provenanceSlots(c: Condition, slots: FactSlots, out: Set<number> = new Set()): Set<number> {
  if ('all' in c) for (const x of c.all) provenanceSlots(x, slots, out);
  else if ('any' in c) for (const x of c.any) provenanceSlots(x, slots, out);
  else if ('not' in c) provenanceSlots(c.not, slots, out);
  else {
    const slot = slots.slot(c);
    if (slots.defs[slot]!.provenance !== undefined) out.add(slot);
  }
  return out;
}

interface CompiledRule {
  rule: LoadedRule;
  pred: Pred;
  /** Present when the rule reads facts that may be unreported. */
  tri?: { pred: TriPred; slots: number[] };
  evidence: { key: string; slot: number }[];
}
interface RuleGroup {
  applies: Pred;
  rules: CompiledRule[];
}
interface TypePlan {
  type: ResourceType;
  slots: FactSlots;
  groups: RuleGroup[];
}

/** Resources to evaluate per type; a missing type means all of that type. */
export type Scope = Partial<Record<ResourceType, ReadonlySet<string>>>;

/** What fired (`H`: the object each hit is kept as, see `HitMaker`) and which resources each rule judged. */
export interface Evaluation<H = RuleHit> {
  hits: H[];
  coverage: RuleCoverage[];
}

/**
 * What a rule's unverified hit lacks: the facts nobody reported (as evidence keys) and what to collect. The same
 * lists recur on most resources, so each distinct one is one object per rule (`seen`), shared by its hits: a 100,000-VM
 * fleet has 730,000 unverified hits and a handful of distinct lists, and what reads them (group digests, outputs)
 * handles each shared object once. Nothing changes a hit's lists after this.
 */
function unverifiedBy(cr: CompiledRule, facts: FactCache, seen: Map<number, Unverified[]>): Unverified {
  const slots = cr.tri?.slots ?? [];
  let mask = 0;
  // Past 31 slots the mask no longer tells the lists apart: their strings still do (`sameLists`).
  for (let i = 0; i < slots.length && i < 31; i++) if (!facts.reported(slots[i]!)) mask |= 1 << i;
  const known = seen.get(mask);
  // Most hits find their lists among those already made: compared slot by slot, no new arrays for them.
  if (known !== undefined) for (const u of known) if (sameLists(u, slots, facts)) return u;
  const missing: string[] = [];
  const collect: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (facts.reported(slot)) continue;
    missing.push(facts.slotKey(slot));
    const hint = facts.collectHint(slot);
    if (hint !== '' && !collect.includes(hint)) collect.push(hint);
  }
  const made = { missing, collect };
  if (known === undefined) seen.set(mask, [made]);
  else known.push(made);
  return made;
}

/**
 * Whether `u` holds the lists `unverifiedBy` would build for these slots: each unreported slot's key in turn, and each
 * new non-empty hint where the built list would put it (a hint already among the first `k` is one the built list
 * already has, since up to there the two are the same).
 */
function sameLists(u: Unverified, slots: readonly number[], facts: FactCache): boolean {
  const { missing, collect } = u;
  let m = 0;
  let k = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (facts.reported(slot)) continue;
    if (m >= missing.length || missing[m++] !== facts.slotKey(slot)) return false;
    const hint = facts.collectHint(slot);
    if (hint === '' || includesBefore(collect, k, hint)) continue;
    if (k >= collect.length || collect[k] !== hint) return false;
    k++;
  }
  return m === missing.length && k === collect.length;
}

function includesBefore(list: readonly string[], end: number, value: string): boolean {
  for (let i = 0; i < end; i++) if (list[i] === value) return true;
  return false;
}

function appliesCondition(appliesTo: Record<string, Scalar[]>): Condition {
  return {
    all: Object.keys(appliesTo)
      .sort()
      .map((fact) => ({ fact, operator: 'in', value: appliesTo[fact]! })),
  };
}

/** Rules compiled once, grouped by resource type and by identical appliesTo filters. */
export class CompiledRules {
  private readonly plans: TypePlan[] = [];

  constructor(readonly rules: readonly LoadedRule[]) {
    const types: ResourceType[] = ['host', 'vm', 'cluster', 'perimeter'];
    for (const type of types) {
      const slots = new FactSlots(type);
      const groups = new Map<string, RuleGroup>();
      for (const rule of rules.filter((r) => r.resourceType === type)) {
        const key = JSON.stringify(Object.entries(rule.appliesTo).sort(([a], [b]) => compareText(a, b)));
        const group = getOrCreate(groups, key, () => ({
          applies: compileCondition(appliesCondition(rule.appliesTo), slots),
          rules: [],
        }));
        const uncertain = [...provenanceSlots(rule.conditions, slots)];
        group.rules.push({
          rule,
          pred: compileCondition(rule.conditions, slots),
          ...(uncertain.length > 0 && { tri: { pred: compileTri(rule.conditions, slots), slots: uncertain } }),
          evidence: rule.evidenceFacts.map((ref) => ({ key: factKey(ref), slot: slots.slot(ref) })),
        });
      }
      if (groups.size > 0) this.plans.push({ type, slots, groups: [...groups.values()] });
    }
  }

  evaluate(index: FleetIndex, scope: Scope = {}): Evaluation {
    return this.evaluateAs(index, scope, ruleHit);
  }

  /** `evaluate`, each hit kept as what `make` builds of it (in the same order). */
  evaluateAs<H>(index: FleetIndex, scope: Scope, make: HitMaker<H>): Evaluation<H> {
    const hits = new ChunkedList<H>();
    const site = new HitSite();
    const coverage: RuleCoverage[] = [];
    for (const plan of this.plans) {
      const covered = plan.groups.map(() => new ChunkedList<string>());
      const unknown = plan.groups.map((group) => group.rules.map(() => new ChunkedList<string>()));
      const lists = plan.groups.map((group) => group.rules.map(() => new Map<number, Unverified[]>()));
      const lastEvidence = plan.groups.map((group) => group.rules.map((): Evidence | undefined => undefined));
      let facts: FactCache | undefined;
      for (const ctx of contextsOf(index, plan.type, scope[plan.type])) {
        if (facts === undefined) facts = new FactCache(ctx, plan.slots);
        else facts.moveTo(ctx);
        site.moveTo(ctx);
        for (let g = 0; g < plan.groups.length; g++) {
          const group = plan.groups[g]!;
          if (!group.applies(facts)) continue;
          covered[g]!.push(ctx.id);
          for (let r = 0; r < group.rules.length; r++) {
            const cr = group.rules[r]!;
            const verdict = cr.tri === undefined ? undefined : cr.tri.pred(facts);
            if (verdict === UNKNOWN) unknown[g]![r]!.push(ctx.id);
            // Observed true, or unknown and failing on the assumed defaults: a hit (the latter unverified).
            if (verdict === FALSE || (verdict !== TRUE && !cr.pred(facts))) continue;
            const evidence = sharedEvidence(cr, facts, lastEvidence[g]![r]);
            lastEvidence[g]![r] = evidence;
            const unverified = verdict === UNKNOWN ? unverifiedBy(cr, facts, lists[g]![r]!) : undefined;
            hits.push(make(cr.rule, plan.type, ctx.id, site.at(), evidence, unverified));
          }
        }
      }
      plan.groups.forEach((group, g) => {
        // One array of a group's resources, shared by its rules' entries.
        const resourceIds = covered[g]!.toArray();
        group.rules.forEach((cr, r) => {
          const entry: RuleCoverage = { ruleId: cr.rule.id, resourceIds };
          if (unknown[g]![r]!.length > 0) entry.unverifiedIds = unknown[g]![r]!.toArray();
          coverage.push(entry);
        });
      });
    }
    return { hits: hits.toArray(), coverage };
  }
}

type Evidence = Record<string, FactValue>;

/**
 * A hit's evidence: the previous hit's object of the same rule when every value is the same (`Object.is`: a list or
 * map only when it is the very same object, whose sharing then changes nothing a reader sees), else a new one. Hits
 * of one rule on resources reporting nothing (the sparse layout's 730,000 unverified findings at 100,000 VMs) carry
 * the same default values: one object for them all instead of one each, which every scavenge would copy and every
 * later step would compare field by field. Nothing writes a finding's evidence after this.
 */
function sharedEvidence(cr: CompiledRule, facts: FactCache, last: Evidence | undefined): Evidence {
  if (last !== undefined) {
    let same = true;
    for (const e of cr.evidence) {
      const value = facts.get(e.slot);
      if (!Object.is(value, last[e.key])) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const evidence: Evidence = {};
  for (const e of cr.evidence) evidence[e.key] = facts.get(e.slot);
  return evidence;
}
