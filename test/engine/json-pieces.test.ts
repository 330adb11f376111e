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
