import { describe, expect, it } from 'vitest';
import { runLoad } from './load-run';

// The 1,000,000-event run is bench/ingest-load.ts; this is its smaller twin, checking the counts reconcile.
describe('load: 50,000 events through the local ingest', () => {
  it('stores every event exactly once, streaming the NDJSON file', async () => {
    const result = await runLoad(50_000);
    expect(result.report.rejected).toEqual([]);
    expect(result.report.accepted).toBe(50_000);
    expect(result.report.duplicates).toBe(0);
    expect(result.stored).toBe(50_000);
    expect(result.writesPerEvent).toBeLessThanOrEqual(1.2);
    expect(result.report.bySource).toEqual({ canonical: { accepted: 50_000, duplicates: 0, ignored: 0, rejected: 0 } });
  }, 600_000);
});
