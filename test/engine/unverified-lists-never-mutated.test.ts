import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { CompiledRules, type Evaluation } from '../../src/engine/compile';
import { viewDigest } from '../../src/engine/finding-digest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fixedClock } from '../../src/model/ports/clock';
import { AUDIT_FORMAT_NAMES, AUDIT_FORMAT_PIECES, AUDIT_FORMATS } from '../../src/report/formats';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/**
 * The evaluation hands one unverified-list object to every hit with that list (src/engine/compile.ts): a consumer
 * changing one finding's list would change every other finding's. Frozen lists make any such write throw (modules
 * are strict), through the lifecycle, the compliance view, the digests and every output format.
 */
describe('Shared unverified lists', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are never written to by the audit, a second audit over its findings, the digests or any format', async () => {
    const evaluate = CompiledRules.prototype.evaluate;
    const shared = new Set<object>();
    vi.spyOn(CompiledRules.prototype, 'evaluate').mockImplementation(function (this: CompiledRules, ...args) {
      const evaluation: Evaluation = evaluate.apply(this, args);
      for (const h of evaluation.hits)
        if (h.unverified !== undefined && !shared.has(h.unverified)) {
          shared.add(h.unverified);
          Object.freeze(h.unverified.missing);
          Object.freeze(h.unverified.collect);
          Object.freeze(h.unverified);
        }
      return evaluation;
    });
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 400, seed: 9 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const result = await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
    const unverified = result.findings.filter((f) => f.verify !== undefined);
    expect(unverified.length).toBeGreaterThan(10);
    expect(unverified.every((f) => Object.isFrozen(f.verify))).toBe(true);
    expect(shared.size).toBeLessThan(unverified.length);
    viewDigest(
      result.findings,
      result.findings.map((_, i) => i),
    );
    for (const format of AUDIT_FORMAT_NAMES) {
      expect(AUDIT_FORMATS[format](result).length).toBeGreaterThan(0);
      expect([...AUDIT_FORMAT_PIECES[format](result)].join('')).toBe(AUDIT_FORMATS[format](result));
    }
  });
});
