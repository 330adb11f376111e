import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { collectReportData } from '../../src/app/report';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/** The memory store, counting the findings each audit writes. */
class CountingStore extends MemoryStore {
  written: Finding[][] = [];
  override async putFindings(findings: readonly Finding[]): Promise<void> {
    this.written.push([...findings]);
    await super.putFindings(findings);
  }
}

describe('Function: runAudit on an unchanged fleet', () => {
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });

  it('writes no finding beyond the run record when nothing a reader sees has changed', async () => {
    const store = new CountingStore();
    await store.putEvents(generateHistory({ events: 2000, seed: 5 }));
    const first = await runAudit(store, { rules, now: '2026-12-01T00:00:00.000Z', full: true });
    expect(first.findings.length).toBeGreaterThan(50);
    expect(store.written.flat()).toHaveLength(first.findings.length);

    store.written = [];
    const second = await runAudit(store, { rules, now: '2026-12-02T00:00:00.000Z', full: true });
    expect(store.written.flat()).toEqual([]);
    expect(second.findings.map((f) => f.fingerprint)).toEqual(first.findings.map((f) => f.fingerprint));
    expect(second.findings.every((f) => f.lastSeen === '2026-12-02T00:00:00.000Z')).toBe(true);
    expect(await store.getMeta('audit/latest')).toMatchObject({
      generatedAt: '2026-12-02T00:00:00.000Z',
      lastFullAuditAt: '2026-12-02T00:00:00.000Z',
    });
  });

  it('reports the last full audit as the last sighting of findings it did not rewrite', async () => {
    const store = new MemoryStore();
    await store.putEvents(generateHistory({ events: 500, seed: 6 }));
    await runAudit(store, { rules, now: '2026-12-01T00:00:00.000Z', full: true });
    await runAudit(store, { rules, now: '2026-12-02T00:00:00.000Z', full: true });
    const { findings } = await collectReportData(store, new Date('2026-12-02T01:00:00.000Z'));
    const open = findings.filter((f) => f.status !== 'resolved');
    expect(open.length).toBeGreaterThan(0);
    expect(
      open.every((f) => f.lastSeen === '2026-12-02T00:00:00.000Z' && f.firstSeen === '2026-12-01T00:00:00.000Z'),
    ).toBe(true);
  });
});
