import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { CompiledRules } from '../../src/engine/compile';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fixedClock } from '../../src/model/ports/clock';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/**
 * A full audit with group digests builds each hit's finding as it evaluates (src/app/audit.ts): no RuleHit beside
 * it, so the findings it lists are the very objects the evaluation returned, and `evaluate` (hits) is never called.
 */
describe('Function: runAudit, one object per hit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the evaluation’s own objects as its findings, first and unchanged audits alike', async () => {
    const evaluateAs = CompiledRules.prototype.evaluateAs;
    const built = new Set<object>();
    vi.spyOn(CompiledRules.prototype, 'evaluateAs').mockImplementation(function (this: CompiledRules, ...args) {
      const evaluation = evaluateAs.apply(this, args);
      for (const h of evaluation.hits) built.add(h as object);
      return evaluation;
    });
    const evaluate = vi.spyOn(CompiledRules.prototype, 'evaluate');
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 400, seed: 5 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    for (const day of ['2026-12-01', '2026-12-02']) {
      built.clear();
      const result = await runAudit({ store, clock: fixedClock(`${day}T00:00:00.000Z`) }, { rules, full: true });
      expect(result.findings.length).toBeGreaterThan(10);
      expect(result.findings.every((f) => built.has(f))).toBe(true);
    }
    expect(evaluate).not.toHaveBeenCalled();
  });

  it('still evaluates hits for an incremental audit (no group digests)', async () => {
    const evaluate = vi.spyOn(CompiledRules.prototype, 'evaluate');
    const store = new MemoryStore();
    const events = generateHistory({ events: 400, seed: 5 });
    await store.putEvents(events);
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const { subjects } = await store.putEvents(events.slice(0, 5));
    await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, scope: subjects });
    expect(evaluate).toHaveBeenCalledTimes(1);
  });
});
