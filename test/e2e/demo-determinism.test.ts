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
    ingest: { accepted: r.ingest.accepted, ignored: r.ingest.ignoredCount, rejected: r.ingest.rejectedCount },
    findings: r.findings.map((f) => [
      f.fingerprint,
      f.ruleId,
      f.resourceId,
      f.severity,
      f.status,
      JSON.stringify(f.evidence),
    ]),
    simulation: { fleet: r.simulation?.fleet, hosts: r.simulation?.hosts, trials: r.simulation?.trials },
  };
}

describe('the demo pipeline', () => {
  const work = mkdtempSync(join(tmpdir(), 'hyperaudit-demo-det-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives the same findings and figures on every run over a fresh store', async () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const first = await runDemo(new MemoryStore(), {
      samplesDir: SAMPLES,
      outDir: join(work, 'a'),
      bucketDir: join(work, 'a-s3'),
      now,
    });
    const second = await runDemo(new MemoryStore(), {
      samplesDir: SAMPLES,
      outDir: join(work, 'b'),
      bucketDir: join(work, 'b-s3'),
      now,
    });
    expect(first.findings.length).toBeGreaterThan(50);
    expect(first.simulation?.fleet).toBeDefined();
    expect(outcome(second)).toEqual(outcome(first));
  });
});
