import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { candidateMaker, lifecycleCandidates, waiveCandidates } from '../../src/engine/lifecycle';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { PROFILES } from '../../src/engine/types';
import { waiverMatcher, type Waiver } from '../../src/engine/waivers';
import { generateFleet } from '../support/generated-fleet';

const NOW = '2026-12-01T00:00:00.000Z';
const WAIVERS: Waiver[] = [
  { resource: 'vm-1*', rule: 'vm.*', reason: 'r', owner: 'o', expires: '2027-01-01' },
  { resource: '*', resourceType: 'host', rule: '*', reason: 'h', owner: 'o', expires: '2027-01-01' },
  { resource: '*', rule: '*', reason: 'expired', owner: 'o', expires: '2026-01-01' },
];

describe('Function: candidateMaker', () => {
  const fleet = generateFleet({ hosts: 12, vmsPerHost: 6 });
  const index = indexFleet(fleet, undefined, NOW);

  for (const profile of PROFILES)
    it(`evaluates hits straight into the findings lifecycleCandidates builds of them, key order included (${profile})`, () => {
      const compiled = new CompiledRules(loadRules(DEFAULT_RULES_DIR, { profile }));
      const waivers = waiverMatcher(WAIVERS);
      const fromHits = lifecycleCandidates({ hits: compiled.evaluate(index).hits, waivers, now: NOW, profile });
      const evaluated = compiled.evaluateAs(index, {}, candidateMaker(NOW, profile));
      waiveCandidates(evaluated.hits, waivers, NOW);
      expect(evaluated.hits.length).toBeGreaterThan(100);
      expect(evaluated.hits.map((f) => JSON.stringify(f))).toEqual(fromHits.map((f) => JSON.stringify(f)));
      expect(evaluated.coverage).toEqual(compiled.evaluate(index).coverage);
      // Every kind of finding is among them: waived, open and unverified.
      expect(new Set(evaluated.hits.map((f) => f.status))).toEqual(new Set(['waived', 'open', 'unverified']));
    });

  it('waives in place: status waived and the waiver as the last key; an unwaived candidate is left as built', () => {
    const compiled = new CompiledRules(loadRules(DEFAULT_RULES_DIR, { profile: 'scg' }));
    const { hits } = compiled.evaluateAs(index, {}, candidateMaker(NOW));
    const before = hits.map((f) => JSON.stringify(f));
    waiveCandidates(hits, waiverMatcher(WAIVERS), NOW);
    for (let i = 0; i < hits.length; i++) {
      const f = hits[i]!;
      if (f.status !== 'waived') expect(JSON.stringify(f)).toBe(before[i]);
      else expect(Object.keys(f).at(-1)).toBe('waiver');
    }
  });
});
