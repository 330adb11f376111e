import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompiledRules, type Evaluation } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { ReferenceRules } from '../support/reference-engine';
import type { Condition, FactCondition, LoadedRule, Scalar } from '../../src/engine/types';
import { fleetEventsArb, fleetOf, simulationArb, VALUE_POOL } from './support/random-fleet';

function normalise(e: Evaluation) {
  return {
    hits: e.hits.map((h) => `${h.rule.id}|${h.resourceType}|${h.resourceId}|${JSON.stringify(h.evidence)}`).sort(),
    coverage: Object.fromEntries(
      e.coverage.map((c) => [c.ruleId, [...c.resourceIds].sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
    ),
  };
}

async function both(rules: readonly LoadedRule[], events: Parameters<typeof fleetOf>[0], simulation: unknown) {
  const index = indexFleet(fleetOf(events), simulation);
  const compiled = new CompiledRules(rules).evaluate(index);
  const reference = await new ReferenceRules(rules).evaluate(indexFleet(fleetOf(events), simulation));
  return { compiled: normalise(compiled), reference: normalise(reference), hitCount: compiled.hits.length };
}

describe('compiled evaluator vs json-rules-engine', () => {
  for (const profile of ['scg', 'stig'] as const) {
    it(`produces identical findings and coverage for the shipped rules (${profile}) on random fleets`, async () => {
      const rules = loadRules(DEFAULT_RULES_DIR, { profile });
      let fired = 0;
      await fc.assert(
        fc.asyncProperty(fleetEventsArb(rules), simulationArb, async (events, simulation) => {
          const r = await both(rules, events, simulation);
          fired += r.hitCount;
          expect(r.compiled).toEqual(r.reference);
        }),
        { numRuns: 40, seed: profile === 'scg' ? 42 : 7 },
      );
      // Guard against a vacuous property: the random fleets must actually make rules fire.
      expect(fired).toBeGreaterThan(100);
    });
  }

  it('agrees with json-rules-engine on random condition trees (all/any/not, every operator, paths, params)', async () => {
    const leaves: { type: 'host' | 'vm'; ref: Omit<FactCondition, 'operator' | 'value'> }[] = [
      { type: 'host', ref: { fact: 'vendor' } },
      { type: 'host', ref: { fact: 'buildNumber' } },
      { type: 'host', ref: { fact: 'lockdownMode' } },
      { type: 'host', ref: { fact: 'secureBoot' } },
      { type: 'host', ref: { fact: 'vcpuPerCore' } },
      { type: 'host', ref: { fact: 'trustLevelsOnHost' } },
      { type: 'host', ref: { fact: 'peakOverlap', path: '$.count' } },
      { type: 'host', ref: { fact: 'peakOverlap', path: '$.vmIds' } },
      { type: 'host', ref: { fact: 'setting', params: { key: 'Mem.ShareForceSalting' } } },
      { type: 'host', ref: { fact: 'setting', params: { key: 'UserVars.ESXiShellTimeOut', default: 0 } } },
      { type: 'host', ref: { fact: 'settingList', params: { key: 'UserVars.ESXiVPsDisabledProtocols' } } },
      { type: 'host', ref: { fact: 'serviceRunning', params: { name: 'TSM-SSH' } } },
      { type: 'vm', ref: { fact: 'powerState' } },
      { type: 'vm', ref: { fact: 'placementViolations' } },
      { type: 'vm', ref: { fact: 'perimeterCrossing', path: '$.kind' } },
      { type: 'vm', ref: { fact: 'setting', params: { key: 'isolation.tools.copy.disable' } } },
      { type: 'vm', ref: { fact: 'iops' } },
    ];
    const ops = [
      'equal',
      'notEqual',
      'lessThan',
      'lessThanInclusive',
      'greaterThan',
      'greaterThanInclusive',
      'in',
      'notIn',
      'contains',
      'doesNotContain',
    ];
    const scalars: Scalar[] = [...VALUE_POOL, null, 'vmware', 'normal', 'live', 'host:h1', 'tlsv1', 2, 4];
    const leafArb = (type: 'host' | 'vm') =>
      fc
        .record({
          leaf: fc.constantFrom(...leaves.filter((l) => l.type === type)),
          op: fc.constantFrom(...ops),
          value: fc.constantFrom(...scalars),
          list: fc.subarray(scalars, { maxLength: 4 }),
        })
        .map(
          ({ leaf, op, value, list }): Condition => ({
            ...leaf.ref,
            operator: op,
            value: op === 'in' || op === 'notIn' ? list : value,
          }),
        );
    const treeArb = (type: 'host' | 'vm') =>
      fc.letrec<{ node: Condition }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          leafArb(type),
          fc.array(tie('node'), { maxLength: 3 }).map((all): Condition => ({ all })),
          fc.array(tie('node'), { maxLength: 3 }).map((any): Condition => ({ any })),
          tie('node').map((not): Condition => ({ not })),
        ),
      })).node;
    const ruleArb = fc.tuple(fc.constantFrom<'host' | 'vm'>('host', 'vm'), fc.boolean()).chain(([type, vmwareOnly]) =>
      treeArb(type).map(
        (conditions): LoadedRule => ({
          id: `random.${type}`,
          pack: 'random',
          file: 'random.json',
          title: 'random',
          severity: 'low',
          category: 'hardening',
          resourceType: type,
          params: {},
          appliesTo: vmwareOnly ? { vendor: ['vmware'] } : {},
          conditions: 'fact' in conditions ? { all: [conditions] } : conditions,
          evidenceFacts: [],
          controls: [],
          rationale: 'r',
          remediation: 'r',
          fixtures: { compliant: { subject: 'x' }, nonCompliant: { subject: 'x' } },
        }),
      ),
    );
    const baseRules = loadRules(DEFAULT_RULES_DIR);
    await fc.assert(
      fc.asyncProperty(
        fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
        fleetEventsArb(baseRules),
        async (rules, events) => {
          const unique = rules.map((r, i) => ({ ...r, id: `${r.id}-${i}` }));
          const r = await both(unique, events, undefined);
          expect(r.compiled).toEqual(r.reference);
        },
      ),
      { numRuns: 150, seed: 1234 },
    );
  });
});
