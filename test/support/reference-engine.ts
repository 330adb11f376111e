import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { ResourceType } from '../../src/model/finding';
import type { FactDef } from '../../src/engine/facts/define';
import { FACTS } from '../../src/engine/facts/registry';
import { factKey } from '../../src/engine/fact-key';
import { contextsOf, resourceName, type FleetIndex, type ResourceContext } from '../../src/engine/fleet-index';
import type { Evaluation, Scope } from '../../src/engine/compile';
import type { FactValue, LoadedRule, RuleCoverage, RuleHit, Scalar } from '../../src/engine/types';

const TYPES: ResourceType[] = ['host', 'vm', 'cluster', 'perimeter'];

function computeFact(ctx: ResourceContext, id: string, params: Readonly<Record<string, Scalar>>): FactValue {
  const def = (FACTS[ctx.type] as ReadonlyMap<string, FactDef>).get(id);
  if (!def) throw new Error(`undefined fact "${id}" for resource type ${ctx.type}`);
  return (def.compute as (c: ResourceContext, p: Readonly<Record<string, Scalar>>) => FactValue)(ctx, params);
}

/** The rule as one json-rules-engine rule: resource type first, then appliesTo, then the rule's own conditions. */
function toEngineRule(rule: LoadedRule): RuleProperties {
  const gates = [
    { fact: '$type', operator: 'equal', value: rule.resourceType, priority: 100 },
    ...Object.keys(rule.appliesTo)
      .sort()
      .map((fact) => ({ fact, operator: 'in', value: rule.appliesTo[fact], priority: 50 })),
  ];
  return {
    name: rule.id,
    conditions: { all: [...gates, { ...(rule.conditions as TopLevelCondition), priority: 1 }] } as TopLevelCondition,
    event: { type: rule.id },
  };
}

/**
 * The naive loop with json-rules-engine as the reference semantics: one Engine holding every rule,
 * `engine.run()` per resource, facts registered as dynamic facts over the resource context, and
 * undefined facts refused (`allowUndefinedFacts: false`).
 */
export class ReferenceRules {
  private readonly engine: Engine;
  private readonly byId: Map<string, LoadedRule>;

  constructor(readonly rules: readonly LoadedRule[]) {
    this.engine = new Engine([], { allowUndefinedFacts: false });
    this.byId = new Map(rules.map((r) => [r.id, r]));
    const ids = new Set<string>();
    for (const t of TYPES) for (const id of FACTS[t].keys()) ids.add(id);
    for (const id of ids) {
      this.engine.addFact(id, async (params, almanac) => {
        const ctx = await almanac.factValue<ResourceContext>('$resource');
        return computeFact(ctx, id, (params ?? {}) as Record<string, Scalar>);
      });
    }
    for (const rule of rules) this.engine.addRule(toEngineRule(rule));
  }

  /** Rule ids that fire on one resource (and those whose appliesTo admitted it). */
  async run(ctx: ResourceContext): Promise<string[]> {
    const { results } = await this.engine.run({ $resource: ctx, $type: ctx.type });
    return results.map((r) => r.name);
  }

  async evaluate(index: FleetIndex, scope: Scope = {}): Promise<Evaluation> {
    const hits: RuleHit[] = [];
    const covered = new Map<string, string[]>(this.rules.map((r) => [r.id, []]));
    for (const type of TYPES) {
      if (!this.rules.some((r) => r.resourceType === type)) continue;
      for (const ctx of contextsOf(index, type, scope[type])) {
        for (const rule of this.rules) {
          if (rule.resourceType !== type) continue;
          const applies = Object.entries(rule.appliesTo).every(([f, allowed]) =>
            allowed.includes(computeFact(ctx, f, {}) as Scalar),
          );
          if (applies) covered.get(rule.id)!.push(ctx.id);
        }
        for (const id of await this.run(ctx)) {
          const rule = this.byId.get(id)!;
          const evidence: Record<string, FactValue> = {};
          for (const ref of rule.evidenceFacts) evidence[factKey(ref)] = computeFact(ctx, ref.fact, ref.params ?? {});
          const name = resourceName(ctx);
          hits.push({
            rule,
            resourceType: type,
            resourceId: ctx.id,
            ...(name !== undefined && { resourceName: name }),
            evidence,
          });
        }
      }
    }
    const coverage: RuleCoverage[] = this.rules.map((r) => ({ ruleId: r.id, resourceIds: covered.get(r.id)! }));
    return { hits, coverage };
  }
}
