import { describe, expect, it } from 'vitest';
import { runLoad } from './load-run';

// The 1,000,000-event run is bench/ingest-load.ts; this is its smaller twin, checking the counts reconcile.
// Kept small enough for a loaded 2-core CI box: volume is the bench's job, reconciliation is this test's.
describe('load: 10,000 events through the local ingest', () => {
  it('stores every event exactly once, streaming the NDJSON file', async () => {
    const result = await runLoad(10_000);
    expect(result.report.rejected).toEqual([]);
    expect(result.report.accepted).toBe(10_000);
    expect(result.report.duplicates).toBe(0);
    expect(result.stored).toBe(10_000);
    expect(result.writesPerEvent).toBeLessThanOrEqual(1.2);
    expect(result.report.bySource).toEqual({ canonical: { accepted: 10_000, duplicates: 0, ignored: 0, rejected: 0 } });
  });
});
