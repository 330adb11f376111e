import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { RuleHit } from '../../src/engine/types';
import type { ResourceType } from '../../src/model/finding';
import { generateFleet } from '../support/generated-fleet';

const NOW = '2026-12-01T00:00:00.000Z';
const TYPES: ResourceType[] = ['host', 'vm', 'cluster', 'perimeter'];

// `unverifiedBy` compares a hit's lacking facts and hints with the lists already made before it builds any: a reused
// list must be exactly what the hit would have on its own, where the same facts are missing but the hints differ
// (they name each VM's own vendor's collector) as much as where they are the same.
describe('Class: CompiledRules, unverified lists found before they are built', () => {
  it('gives every hit the lists an evaluation of its resource alone builds', () => {
    const fleet = generateFleet({ hosts: 24, vmsPerHost: 4, unclusteredEvery: 5 });
    const compiled = new CompiledRules(loadRules(DEFAULT_RULES_DIR, { profile: 'scg' }));
    const index = indexFleet(fleet, undefined, NOW);
    const key = (h: RuleHit) => `${h.rule.id}|${h.resourceType}|${h.resourceId}`;
    const whole = compiled.evaluate(index).hits.filter((h) => h.unverified !== undefined);
    expect(whole.length).toBeGreaterThan(100);

    // The case the comparison must tell apart: one rule, the same facts missing, other hints.
    const hintsOf = new Map<string, Set<string>>();
    for (const h of whole) {
      const k = `${h.rule.id}|${JSON.stringify(h.unverified!.missing)}`;
      hintsOf.set(k, (hintsOf.get(k) ?? new Set()).add(JSON.stringify(h.unverified!.collect)));
    }
    expect([...hintsOf.values()].some((s) => s.size > 1)).toBe(true);

    const resources = new Map<string, { type: ResourceType; id: string }>();
    for (const h of whole)
      resources.set(`${h.resourceType}|${h.resourceId}`, { type: h.resourceType, id: h.resourceId });
    let compared = 0;
    for (const { type, id } of resources.values()) {
      const scope = Object.fromEntries(TYPES.map((t) => [t, new Set(t === type ? [id] : [])]));
      const alone = new Map(compiled.evaluate(index, scope).hits.map((h) => [key(h), h.unverified]));
      for (const h of whole)
        if (h.resourceType === type && h.resourceId === id) {
          expect(JSON.stringify(h.unverified)).toBe(JSON.stringify(alone.get(key(h))));
          compared++;
        }
    }
    expect(compared).toBe(whole.length);
  });
});
