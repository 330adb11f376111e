import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { generateFleet } from '../support/generated-fleet';

const NOW = '2026-12-01T00:00:00.000Z';

describe('Class: CompiledRules, evidence', () => {
  const fleet = generateFleet({ hosts: 20, vmsPerHost: 5 });
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
  const compiled = new CompiledRules(rules);
  const index = indexFleet(fleet, undefined, NOW);
  const { hits } = compiled.evaluate(index);

  it('is one object for hits of a rule with the same values, far fewer objects than hits', () => {
    const objects = new Set(hits.map((h) => h.evidence));
    expect(hits.length).toBeGreaterThan(300);
    expect(objects.size).toBeLessThan(hits.length / 4);
    for (let i = 1; i < hits.length; i++) {
      const [a, b] = [hits[i - 1]!, hits[i]!];
      if (a.evidence === b.evidence) expect(a.rule.id).toBe(b.rule.id);
    }
  });

  it('is, for every VM, what the VM evaluated alone gets (each of its hits then builds its own)', () => {
    for (const vm of fleet.vms.values()) {
      const alone = compiled.evaluate(index, { vm: new Set([vm.id]) }).hits.filter((h) => h.resourceType === 'vm');
      const shared = hits.filter((h) => h.resourceType === 'vm' && h.resourceId === vm.id);
      expect(shared.map((h) => [h.rule.id, h.evidence])).toEqual(alone.map((h) => [h.rule.id, h.evidence]));
    }
  });
});
