import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { CompiledRules, type Evaluation } from '../../src/engine/compile';
import type { RuleHit } from '../../src/engine/types';
import type { Finding } from '../../src/model/finding';
import { viewDigest } from '../../src/engine/finding-digest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fixedClock } from '../../src/model/ports/clock';
import { AUDIT_FORMAT_NAMES, AUDIT_FORMAT_PIECES, AUDIT_FORMATS } from '../../src/report/formats';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/**
 * The evaluation hands one unverified-list object to every hit with that list, and one evidence object to a rule's
 * hits with the same primitive values (src/engine/compile.ts): a consumer changing one finding's would change every
 * other finding's. Frozen lists and evidence make any such write throw (modules are strict), through the lifecycle,
 * the compliance view, the digests and every output format.
 */
describe('Shared unverified lists and evidence', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are never written to by the audit, a second audit over its findings, the digests or any format', async () => {
    const evaluateAs = CompiledRules.prototype.evaluateAs;
    const shared = new Set<object>();
    const evidence = new Set<object>();
    vi.spyOn(CompiledRules.prototype, 'evaluateAs').mockImplementation(function (this: CompiledRules, ...args) {
      // A RuleHit (`evaluate`) or, in a full audit with group digests, the finding it gives.
      const evaluation = evaluateAs.apply(this, args) as Evaluation<RuleHit | Finding>;
      for (const h of evaluation.hits) {
        if (evidence.has(h.evidence)) Object.freeze(h.evidence);
        evidence.add(h.evidence);
        const unverified = 'rule' in h ? h.unverified : h.verify;
        if (unverified !== undefined && !shared.has(unverified)) {
          shared.add(unverified);
          Object.freeze(unverified.missing);
          Object.freeze(unverified.collect);
          Object.freeze(unverified);
        }
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
    const sharedEvidence = result.findings.filter((f) => Object.isFrozen(f.evidence));
    expect(sharedEvidence.length).toBeGreaterThan(10);
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
