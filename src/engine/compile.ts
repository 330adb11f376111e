import { getOrCreate } from '../model/get-or-create';
import type { ResourceType } from '../model/finding';
import type { FactDef } from './facts/define';
import { FACTS } from './facts/registry';
import { factKey } from './fact-key';
import { contextsOf, resourceName, type FleetIndex, type ResourceContext } from './fleet-index';
import { compilePath, OPERATORS } from './operators';
import type { Condition, FactCondition, FactRef, FactValue, LoadedRule, RuleCoverage, RuleHit, Scalar } from './types';

/**
 * Per-resource fact values, computed on first use. A class rather than a closure per resource: the audit
 * creates one per resource (100,000+), and prototype methods avoid a fresh function object each time.
 */
class FactCache {
  private readonly values: (FactValue | undefined)[];
  constructor(
    private readonly ctx: ResourceContext,
    private readonly slots: FactSlots,
  ) {
    this.values = new Array<FactValue | undefined>(slots.defs.length);
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

class FactSlots {
  readonly keys = new Map<string, number>();
  readonly defs: FactDef[] = [];
  readonly params: Readonly<Record<string, Scalar>>[] = [];
  constructor(private readonly type: ResourceType) {}

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

interface CompiledRule {
  rule: LoadedRule;
  pred: Pred;
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

export interface Evaluation {
  hits: RuleHit[];
  coverage: RuleCoverage[];
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
        const key = JSON.stringify(Object.entries(rule.appliesTo).sort(([a], [b]) => (a < b ? -1 : 1)));
        const group = getOrCreate(groups, key, () => ({
          applies: compileCondition(appliesCondition(rule.appliesTo), slots),
          rules: [],
        }));
        group.rules.push({
          rule,
          pred: compileCondition(rule.conditions, slots),
          evidence: rule.evidenceFacts.map((ref) => ({ key: factKey(ref), slot: slots.slot(ref) })),
        });
      }
      if (groups.size > 0) this.plans.push({ type, slots, groups: [...groups.values()] });
    }
  }

  evaluate(index: FleetIndex, scope: Scope = {}): Evaluation {
    const hits: RuleHit[] = [];
    const coverage: RuleCoverage[] = [];
    for (const plan of this.plans) {
      const covered = plan.groups.map(() => [] as string[]);
      for (const ctx of contextsOf(index, plan.type, scope[plan.type])) {
        const facts = new FactCache(ctx, plan.slots);
        for (let g = 0; g < plan.groups.length; g++) {
          const group = plan.groups[g]!;
          if (!group.applies(facts)) continue;
          covered[g]!.push(ctx.id);
          for (const cr of group.rules) {
            if (!cr.pred(facts)) continue;
            const evidence: Record<string, FactValue> = {};
            for (const e of cr.evidence) evidence[e.key] = facts.get(e.slot);
            const hit: RuleHit = { rule: cr.rule, resourceType: plan.type, resourceId: ctx.id, evidence };
            const name = resourceName(ctx);
            if (name !== undefined) hit.resourceName = name;
            hits.push(hit);
          }
        }
      }
      plan.groups.forEach((group, g) => {
        for (const cr of group.rules) coverage.push({ ruleId: cr.rule.id, resourceIds: covered[g]! });
      });
    }
    return { hits, coverage };
  }
}
