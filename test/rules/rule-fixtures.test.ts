import { describe, expect, it } from 'vitest';
import { CompiledRules } from '../../src/engine/compile';
import { fleetFromFixture } from '../support/fixture-fleet';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules, ruleFiles } from '../../src/engine/load-rules';
import { ReferenceRules } from '../support/reference-engine';
import type { LoadedRule, RuleFixture } from '../../src/engine/types';

const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });

async function verdict(rule: LoadedRule, fixture: RuleFixture) {
  const index = indexFleet(fleetFromFixture(fixture), fixture.simulation, fixture.auditedAt);
  const compiled = new CompiledRules([rule]).evaluate(index);
  const reference = await new ReferenceRules([rule]).evaluate(index);
  const fired = (e: typeof compiled) => e.hits.some((h) => h.resourceId === fixture.subject);
  const covered = compiled.coverage.some((c) => c.resourceIds.includes(fixture.subject));
  return { compiled: fired(compiled), reference: fired(reference), covered };
}

describe('rule packs', () => {
  it('loads every rule file under rules/ (none silently skipped)', () => {
    const files = ruleFiles(DEFAULT_RULES_DIR)
      .map((f) => f.file)
      .sort();
    expect(rules.map((r) => r.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(80);
  });

  it('has at least 40 vSphere 8 SCG hardening controls', () => {
    const scg = new Set(
      rules.flatMap((r) => r.controls.filter((c) => c.framework === 'vsphere-8-scg').map((c) => c.id)),
    );
    expect(scg.size).toBeGreaterThanOrEqual(40);
  });

  describe.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    it('does not fire on its compliant fixture, in both evaluators', async () => {
      const v = await verdict(rule, rule.fixtures.compliant);
      expect(v).toEqual({ compiled: false, reference: false, covered: true });
    });
    it('fires on its non-compliant fixture, in both evaluators', async () => {
      const v = await verdict(rule, rule.fixtures.nonCompliant);
      expect(v).toEqual({ compiled: true, reference: true, covered: true });
    });
  });
});
