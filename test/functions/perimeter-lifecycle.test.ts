import { describe, expect, it } from 'vitest';
import { perimeterLifecycle } from '../../src/app/perimeter-lifecycle';
import { fingerprint } from '../../src/engine/fingerprint';
import { loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';

const BEFORE = '2026-11-30T06:00:00.000Z';
const AUDITED_AT = '2026-12-01T06:00:00.000Z';
const rules = loadRules();
const rule = rules.find((r) => r.resourceType === 'perimeter')!;

function openFinding(perimeter: string): Finding {
  return {
    fingerprint: fingerprint(rule.id, 'perimeter', perimeter),
    ruleId: rule.id,
    pack: rule.pack,
    severity: rule.severity,
    category: rule.category,
    resourceType: 'perimeter',
    resourceId: perimeter,
    title: rule.title,
    evidence: {},
    controls: rule.controls,
    rationale: rule.rationale,
    remediation: rule.remediation,
    status: 'open',
    firstSeen: BEFORE,
    lastSeen: BEFORE,
  };
}

describe("the perimeters' lifecycle in the finish step", () => {
  it('resolves the open findings of a perimeter that is no longer in the fleet, as the whole-table lifecycle did', async () => {
    const store = new MemoryStore();
    await store.putFindings([openFinding('p-gone')]);
    const current = await perimeterLifecycle(store, {
      perimeters: new Map(),
      fleetLevel: { hits: [], coverage: [] },
      rules,
      profile: 'scg',
      auditedAt: AUDITED_AT,
      waivers: [],
    });
    expect(current.filter((f) => f.status !== 'resolved')).toEqual([]);
    expect(await store.listFindings()).toMatchObject([
      { resourceId: 'p-gone', status: 'resolved', resolvedAt: AUDITED_AT },
    ]);
  });
});
