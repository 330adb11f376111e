import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import type { Fleet } from '../../src/model/fleet';
import { runAudit, type AuditTimings } from '../../src/app/audit';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';

/**
 * Holds the stored findings back until the fleet has been read and a few turns of the event loop have passed, so the
 * audit evaluates before they arrive (the order a large findings read gives), and records the order of the reads.
 */
class SlowFindingsStore extends MemoryStore {
  log: string[] = [];
  override async loadFleet(): Promise<Fleet> {
    this.log.push('fleet requested');
    const fleet = await super.loadFleet();
    this.log.push('fleet read');
    return fleet;
  }
  override async listFindings(): Promise<Finding[]> {
    this.log.push('findings requested');
    const findings = await super.listFindings();
    while (!this.log.includes('fleet read')) await new Promise((r) => setTimeout(r, 1));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    this.log.push('findings read');
    return findings;
  }
}

describe('Function: runAudit reading the stored findings while it evaluates', () => {
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
  const history = generateHistory({ events: 1500, seed: 11 });

  it('gives the same findings, resolutions and writes as a store that answers at once', async () => {
    const slow = new SlowFindingsStore();
    const plain = new MemoryStore();
    await slow.putEvents(history);
    await plain.putEvents(history);
    for (const now of ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z']) {
      const a = await runAudit({ store: slow, clock: fixedClock(now) }, { rules, full: true });
      const b = await runAudit({ store: plain, clock: fixedClock(now) }, { rules, full: true });
      expect(a.findings).toEqual(b.findings);
      expect(a.resolved).toEqual(b.resolved);
      expect(a.compliance).toEqual(b.compliance);
    }
    expect(await slow.listFindings()).toEqual(await plain.listFindings());
    // The findings read was started before the fleet's and still running when the fleet arrived.
    expect(slow.log.slice(0, 2)).toEqual(['findings requested', 'fleet requested']);
    expect(slow.log.indexOf('findings read')).toBeGreaterThan(slow.log.indexOf('fleet read'));
  }, 60_000);

  it('splits the time into waiting on reads, evaluating, lifecycle and writing, and times the findings read', async () => {
    const store = new SlowFindingsStore();
    await store.putEvents(history);
    const timings: AuditTimings = { readMs: -1, evaluateMs: -1, lifecycleMs: -1, writeMs: -1, findingsWritten: -1 };
    const result = await runAudit(
      { store, clock: fixedClock('2026-12-01T00:00:00.000Z') },
      { rules, full: true, timings },
    );
    for (const ms of [timings.readMs, timings.evaluateMs, timings.lifecycleMs, timings.writeMs])
      expect(ms).toBeGreaterThanOrEqual(0);
    expect(timings.findingsReadMs).toBeGreaterThanOrEqual(0);
    expect(timings.findingsWritten).toBe(result.findings.length);
  }, 60_000);

  it('splits the CPU time of this process by the same phases, within what the whole audit used', async () => {
    const store = new SlowFindingsStore();
    await store.putEvents(history);
    const timings: AuditTimings = { readMs: -1, evaluateMs: -1, lifecycleMs: -1, writeMs: -1, findingsWritten: -1 };
    const before = process.cpuUsage();
    await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true, timings });
    const used = process.cpuUsage(before);
    const cpu = timings.cpu!;
    const phases = [cpu.readMs, cpu.evaluateMs, cpu.lifecycleMs, cpu.writeMs];
    for (const ms of phases) expect(ms).toBeGreaterThanOrEqual(0);
    // Evaluating rules over the history is work, not waiting.
    expect(cpu.evaluateMs).toBeGreaterThan(0);
    expect(phases.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual((used.user + used.system) / 1000 + 1);
  }, 60_000);

  it('reports the fleet read failing, not the findings read that failed beside it', async () => {
    const store = new (class extends MemoryStore {
      override async loadFleet(): Promise<Fleet> {
        throw new Error('fleet scan failed');
      }
      override async listFindings(): Promise<Finding[]> {
        throw new Error('findings query failed');
      }
    })();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(runAudit({ store, clock: systemClock }, { rules, full: true })).rejects.toThrow('fleet scan failed');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
