import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { EncodedText, LentBytes } from '../../src/report/formats/encoded-text';
import { formatJsonParts, formatJsonPieces } from '../../src/report/formats/json';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';
import { auditJsonInOneString } from '../report/audit-json-reference';

describe('Function: formatJsonPieces', () => {
  it('gives the plain reference text of the whole document, one listed finding per piece', async () => {
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 400, seed: 9 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const result = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    expect(result.findings.length).toBeGreaterThan(20);
    for (const r of [result, { ...result, findings: [] }, { ...result, compliance: undefined }]) {
      const pieces = [...formatJsonPieces(r)];
      expect(pieces.join('')).toBe(auditJsonInOneString(r));
      expect(pieces.length).toBeGreaterThanOrEqual(r.findings.filter((f) => f.status !== 'unverified').length);
    }
  });
});

describe('Function: formatJsonPieces, findings printed field by field', () => {
  it('gives the reference text for waived, unverified, damaged and non-plain findings, shared objects included', async () => {
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
    expect([...formatJsonPieces(r)].join('')).toBe(auditJsonInOneString(r));
  });
});

describe('Function: formatJsonParts, the end findings repeat handed over encoded', () => {
  it('shares the end only between findings that print it alike, and gives the reference bytes', async () => {
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 200, seed: 5 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    const result = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const base = { ...result.findings[0]!, evidence: { 'setting:A': 5, 'settingReported:A': false, note: null } };
    const verify = { missing: ['setting:A'], collect: ['collect A'] };
    // Open findings of one rule (unverified ones are grouped apart and print no end of their own).
    const open = { ...base, status: 'open' as const, verify };
    const at = (n: number) => `${base.resourceId}-${n}`;
    const findings = [
      { ...open, resourceId: at(1) },
      // Equal evidence in another object: the same end.
      { ...open, resourceId: at(2), evidence: { ...open.evidence } },
      { ...open, resourceId: at(3), evidence: { ...open.evidence } },
      // A value, the key order, a nested value, a waiver, what to collect (another object) or a time differ: not.
      { ...open, resourceId: at(4), evidence: { ...open.evidence, 'setting:A': 6 } },
      { ...open, resourceId: at(5), evidence: { 'settingReported:A': false, 'setting:A': 6, note: null } },
      { ...open, resourceId: at(6), evidence: { ...open.evidence, note: { n: 1 } } },
      { ...open, resourceId: at(7), evidence: { ...open.evidence, note: { n: 1 } } },
      { ...open, resourceId: at(8), status: 'waived' as const, waiver: { reason: 'r', owner: 'o' } },
      {
        ...open,
        resourceId: at(9),
        status: 'waived' as const,
        waiver: { reason: 'r', owner: 'o', expires: 'x' },
      },
      { ...open, resourceId: at(10), verify: { missing: ['setting:B'], collect: ['collect B'] } },
      { ...open, resourceId: at(11), verify: { missing: ['setting:B'], collect: ['collect B'] } },
      { ...open, resourceId: at(12), firstSeen: '2026-01-01T00:00:00.000Z' },
      { ...open, resourceId: at(13), title: 'another title' },
      { ...open, resourceId: at(14), title: 'another title' },
    ];
    const r = { ...result, findings };
    // Lent bytes (the compliance view's lists) are taken as they come: the next piece writes over them.
    const parts = Array.from(formatJsonParts(r), (p) => (p instanceof LentBytes ? p.text : p));
    const text = parts.map((p) => (typeof p === 'string' ? p : p.text)).join('');
    expect(text).toBe(auditJsonInOneString(r));
    expect(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p.bytes))).toString()).toBe(text);
    // Findings 2, 3 (the first's end) and 14 (13's) repeat an end; 11 has its own object of what to collect.
    const encoded = parts.filter((p) => p instanceof EncodedText);
    expect(encoded.length).toBe(3);
    expect(encoded[0]).toBe(encoded[1]);
    expect([...formatJsonPieces(r)].join('')).toBe(text);
  });
});
