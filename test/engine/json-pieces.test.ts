import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { formatJsonPieces, toJsonDocument } from '../../src/report/formats/json';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

describe('Function: formatJsonPieces', () => {
  it('gives the text JSON.stringify gives the whole document, one finding per piece', async () => {
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 400, seed: 9 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const result = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    expect(result.findings.length).toBeGreaterThan(20);
    for (const r of [result, { ...result, findings: [] }, { ...result, compliance: undefined }]) {
      const pieces = [...formatJsonPieces(r)];
      expect(pieces.join('')).toBe(`${JSON.stringify(toJsonDocument(r), null, 2)}\n`);
      expect(pieces.length).toBeGreaterThanOrEqual(r.findings.length);
    }
  });
});

describe('Function: formatJsonPieces, findings printed field by field', () => {
  it('gives JSON.stringify’s text for waived, unverified, damaged and non-plain findings, shared objects included', async () => {
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 200, seed: 3 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const result = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const base = result.findings[0]!;
    const verify = { missing: ['setting:A "quoted"'], collect: ['collect it\nnow'] };
    const findings = [
      { ...base, waiver: { reason: 'accepted – “risk”', owner: 'sec', expires: '2027-01-01' } },
      { ...base, waiver: { reason: 'no expiry', owner: 'sec' } },
      { ...base, status: 'unverified' as const, verify },
      // The same verify object again: printed from the text remembered for it.
      { ...base, status: 'unverified' as const, verify },
      { ...base, evidence: {}, controls: [], resourceName: undefined, cluster: undefined, datacenter: undefined },
      { ...base, evidence: { at: new Date(0), values: [1, null, { x: 'y' }] } },
      // A stored finding damaged on its way: a missing required field is left out, as JSON.stringify leaves it.
      { ...base, title: undefined as unknown as string, fingerprint: undefined as unknown as string },
    ];
    const r = { ...result, findings };
    expect([...formatJsonPieces(r)].join('')).toBe(`${JSON.stringify(toJsonDocument(r), null, 2)}\n`);
  });
});
