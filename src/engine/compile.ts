import type { ResourceType } from '../model/finding';
import type { FactDef } from './facts/define';
import { FACTS } from './facts/registry';
import { factKey } from './fact-key';
import { contextsOf, resourceName, type FleetIndex, type ResourceContext } from './fleet-index';
import { compilePath, OPERATORS } from './operators';
import type { Condition, FactCondition, FactRef, FactValue, LoadedRule, RuleCoverage, RuleHit, Scalar } from './types';

/**
 * Hand-written compiler from json-rules-engine condition JSON to plain predicates. json-rules-engine
 * evaluates every condition through promises, an almanac and per-run fact caches; for a fleet of
 * 100,000 resources that overhead dominates. Compiling once gives synchronous closures over a per-resource
 * fact cache. json-rules-engine stays the reference: test/engine/equivalence.test.ts checks both agree.
 */
type Get = (slot: number) => FactValue;
type Pred = (get: Get) => boolean;

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

function compileCondition(c: Condition, slots: FactSlots): Pred {
  if ('all' in c) {
    const parts = c.all.map((x) => compileCondition(x, slots));
    return (get) => {
      for (const p of parts) if (!p(get)) return false;
      return true;
    };
  }
  if ('any' in c) {
    // json-rules-engine 7.3.1 treats an empty `any` as true (prioritizeAndRun returns true for no conditions).
    if (c.any.length === 0) return () => true;
    const parts = c.any.map((x) => compileCondition(x, slots));
    return (get) => {
      for (const p of parts) if (p(get)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, slots);
    return (get) => !inner(get);
  }
  return compileLeaf(c, slots);
}

function compileLeaf(c: FactCondition, slots: FactSlots): Pred {
  const op = OPERATORS[c.operator];
  if (!op) throw new Error(`unknown operator ${c.operator}`);
  const slot = slots.slot(c);
  const value = c.value;
  if (c.path !== undefined) {
    const resolve = compilePath(c.path);
    return (get) => op(resolve(get(slot)), value);
  }
  return (get) => op(get(slot), value);
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
  return { all: Object.keys(appliesTo).sort().map((fact) => ({ fact, operator: 'in', value: appliesTo[fact]! })) };
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
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { applies: compileCondition(appliesCondition(rule.appliesTo), slots), rules: [] }));
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
      const { defs, params } = plan.slots;
      const n = defs.length;
      const covered = plan.groups.map(() => [] as string[]);
      for (const ctx of contextsOf(index, plan.type, scope[plan.type])) {
        const cache: (FactValue | undefined)[] = new Array(n);
        const get: Get = (i) => {
          let v = cache[i];
          if (v === undefined) {
            v = (defs[i]!.compute as (c: ResourceContext, p: Readonly<Record<string, Scalar>>) => FactValue)(ctx, params[i]!);
            if (v === undefined) throw new Error(`fact ${defs[i]!.id} returned undefined for ${ctx.type} ${ctx.id}`);
            cache[i] = v;
          }
          return v;
        };
        for (let g = 0; g < plan.groups.length; g++) {
          const group = plan.groups[g]!;
          if (!group.applies(get)) continue;
          covered[g]!.push(ctx.id);
          for (const cr of group.rules) {
            if (!cr.pred(get)) continue;
            const evidence: Record<string, FactValue> = {};
            for (const e of cr.evidence) evidence[e.key] = get(e.slot);
            const name = resourceName(ctx);
            hits.push({ rule: cr.rule, resourceType: plan.type, resourceId: ctx.id, ...(name !== undefined && { resourceName: name }), evidence });
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
