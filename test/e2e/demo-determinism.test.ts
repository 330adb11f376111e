import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/server/demo-run';
import { MemoryStore } from '../../src/store/memory-store';
import { SAMPLES } from './planted';

/** What a person compares between two `npm start` runs: the findings and the simulated figures. */
function outcome(r: DemoResult) {
  return {
    ingest: { accepted: r.ingest.accepted, ignored: r.ingest.ignored.length, rejected: r.ingest.rejected.length },
    findings: r.audit.findings.map((f) => [f.fingerprint, f.ruleId, f.resourceId, f.severity, f.status, JSON.stringify(f.evidence)]),
    simulation: r.simulation.result.fleet,
  };
}

describe('the demo pipeline', () => {
  const work = mkdtempSync(join(tmpdir(), 'hyperaudit-demo-det-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives the same findings and figures on every run over a fresh store', async () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const first = await runDemo(new MemoryStore(), { samplesDir: SAMPLES, outDir: join(work, 'a'), now });
    const second = await runDemo(new MemoryStore(), { samplesDir: SAMPLES, outDir: join(work, 'b'), now });
    expect(first.audit.findings.length).toBeGreaterThan(50);
    expect(outcome(second)).toEqual(outcome(first));
  }, 120_000);
});
