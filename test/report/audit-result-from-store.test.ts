import { describe, expect, it } from 'vitest';
import { buildCompliance } from '../../src/engine/compliance';
import { loadRules, DEFAULT_RULES_DIR } from '../../src/engine/load-rules';
import { auditResultFromStore } from '../../src/report/html/audit-formats';
import { FINDINGS, reportStore } from './report-fixture';

const AT = '2026-11-02T00:00:00.000Z';

describe('auditResultFromStore', () => {
  it("covers each rule's evaluated resources and every current finding's resource, sorted, when first read", async () => {
    const fleet = await (await reportStore()).loadFleet();
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const [first, second] = FINDINGS.filter((f) => f.status !== 'resolved');
    const compliance = buildCompliance({
      at: AT,
      profile: 'scg',
      rules: rules.filter((r) => r.id === first!.ruleId),
      coverage: [{ ruleId: first!.ruleId, resourceIds: ['zz-evaluated', 'aa-evaluated'] }],
      findings: [],
      resources: { host: 2, vm: 0, cluster: 0, perimeter: 0 },
    });
    const resolved = { ...second!, resourceId: 'resolved-only', status: 'resolved' as const };
    const result = auditResultFromStore([first!, second!, resolved], fleet, AT, rules, 'scg', compliance);
    const covered = new Map(result.coverage.map((c) => [c.ruleId, c.resourceIds]));
    expect(covered.get(first!.ruleId)).toEqual(['aa-evaluated', first!.resourceId, 'zz-evaluated'].sort());
    expect(covered.get(second!.ruleId)).toContain(second!.resourceId);
    expect([...covered.values()].flat()).not.toContain('resolved-only');
    // Read again: the same lists, not built twice.
    expect(result.coverage).toBe(result.coverage);
  });
});
