import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { collectReportData, readStoredViews } from '../../src/app/report';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fixedClock } from '../../src/model/ports/clock';
import { STATE } from '../../src/store/state-keys';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/** The memory store, counting the reads of each state item. */
class MetaCountingStore extends MemoryStore {
  reads = new Map<string, number>();
  override async getMeta<T>(key: string): Promise<T | undefined> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return super.getMeta<T>(key);
  }
}

describe('collectReportData with the stored views read ahead', () => {
  it('reads the audit stamp, simulation and plan once (the caller read them with the fleet) and shows the same data', async () => {
    const store = new MetaCountingStore();
    await store.putEvents(generateHistory({ events: 300, seed: 4 }));
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
    await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const now = new Date('2026-12-01T01:00:00.000Z');
    const plain = await collectReportData(store, now);

    store.reads.clear();
    const ahead = readStoredViews(store);
    const readAhead = await collectReportData(store, now, undefined, ahead);
    for (const key of [STATE.auditLatest.key, STATE.simulationLatest.key, STATE.planLatest.key])
      expect(store.reads.get(key), key).toBe(1);
    // The second run's trend holds the first run too; everything else is the same page.
    expect({ ...readAhead.data, trend: [] }).toEqual({ ...plain.data, trend: [] });
  });
});
