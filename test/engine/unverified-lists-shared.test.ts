import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Unverified } from '../../src/engine/types';
import { generateFleet } from '../support/generated-fleet';

describe('Class: CompiledRules, unverified hits', () => {
  it('shares one object per rule and distinct list of what is missing, with the lists each hit had on its own', () => {
    const fleet = generateFleet({ hosts: 20, vmsPerHost: 5 });
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const { hits } = new CompiledRules(rules).evaluate(indexFleet(fleet, undefined, '2026-12-01T00:00:00.000Z'));
    const unverified = hits.filter((h) => h.unverified !== undefined);
    expect(unverified.length).toBeGreaterThan(100);
    const byRule = new Map<string, Map<string, Unverified>>();
    for (const h of unverified) {
      const text = JSON.stringify(h.unverified);
      const lists = byRule.get(h.rule.id) ?? new Map<string, Unverified>();
      byRule.set(h.rule.id, lists);
      const seen = lists.get(text);
      // Equal lists of one rule are one object; every list is the plain shape the hit had before.
      if (seen !== undefined) expect(h.unverified).toBe(seen);
      else lists.set(text, h.unverified!);
      expect(Object.keys(h.unverified!)).toEqual(['missing', 'collect']);
      expect(h.unverified!.missing.length).toBeGreaterThan(0);
    }
    // Fewer objects than hits: the point of sharing them.
    const objects = new Set(unverified.map((h) => h.unverified));
    expect(objects.size).toBeLessThan(unverified.length / 10);
  });
});
