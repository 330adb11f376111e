import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { collectReportData } from '../../src/app/report';
import { MemoryStore } from '../../src/store/memory-store';
import { generateHistory } from '../reliability/history';
import type { Fleet } from '../../src/model/fleet';
import type { FleetEvent } from '../../src/model/event';

/** The memory store, counting the findings each audit writes. */
class CountingStore extends MemoryStore {
  written: Finding[][] = [];
  override async putFindings(findings: readonly Finding[]): Promise<void> {
    this.written.push([...findings]);
    await super.putFindings(findings);
  }
  /** A rule's unverified findings rewritten on their pages count as written, every one of them. */
  override async replaceUnverified(
    profile: string,
    group: string,
    ruleId: string,
    findings: readonly Finding[],
  ): Promise<void> {
    this.written.push([...findings]);
    await super.replaceUnverified(profile, group, ruleId, findings);
  }
}

/**
 * DynamoDB's parallel Scan segments answer in any order, so a full read materialises hosts and VMs in an order that
 * changes from one read to the next; this store turns each read's order around to reproduce that.
 */
class ReorderingStore extends CountingStore {
  private reads = 0;
  override async loadFleet(): Promise<Fleet> {
    const fleet = await super.loadFleet();
    if (this.reads++ % 2 === 0) return fleet;
    fleet.hosts = new Map([...fleet.hosts].reverse());
    fleet.vms = new Map([...fleet.vms].reverse());
    return fleet;
  }
}

/** Two datacenters' hosts in one cluster, each with VMs whose peak CPU sums differ in the last bits by order. */
function clusterAcrossDatacenters(): FleetEvent[] {
  const time = '2026-11-30T00:00:00Z';
  const events: FleetEvent[] = [];
  for (let h = 0; h < 4; h++)
    events.push({
      id: `h${h}`,
      time,
      type: 'host.upsert',
      host: {
        id: `host-${h}`,
        cluster: 'c1',
        datacenter: `dc${h % 2}`,
        hypervisor: { vendor: 'vmware', version: '8.0.3' },
        cpu: { sockets: 1, coresPerSocket: 2, mhz: 2100 },
        memoryMiB: 16384,
      },
    } as FleetEvent);
  for (let v = 0; v < 24; v++)
    events.push({
      id: `v${v}`,
      time,
      type: 'vm.upsert',
      vm: {
        id: `vm-${v}`,
        hostId: `host-${v % 4}`,
        powerState: 'poweredOn',
        vcpus: 2,
        memoryMiB: 8192,
        workload: { cpuPeakPct: 10 + v * 3.3 },
      },
    } as FleetEvent);
  return events;
}

describe('Function: runAudit on an unchanged fleet', () => {
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });

  it('writes nothing when a full read lists the same fleet in another order (a cluster spanning datacenters)', async () => {
    const store = new ReorderingStore();
    await store.putEvents(clusterAcrossDatacenters());
    const first = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const cluster = first.findings.filter((f) => f.resourceType === 'cluster');
    expect(cluster.map((f) => f.ruleId)).toContain('consolidation.cluster-n-plus-one');
    expect(cluster.every((f) => f.datacenter === 'dc0')).toBe(true);

    store.written = [];
    await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
    expect(store.written.flat()).toEqual([]);
  });

  it('writes no finding beyond the run record when nothing a reader sees has changed', async () => {
    const store = new CountingStore();
    await store.putEvents(generateHistory({ events: 2000, seed: 5 }));
    const first = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    expect(first.findings.length).toBeGreaterThan(50);
    expect(store.written.flat()).toHaveLength(first.findings.length);

    store.written = [];
    const second = await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
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
    await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
    const { findings } = await collectReportData(store, new Date('2026-12-02T01:00:00.000Z'));
    const open = findings.filter((f) => f.status !== 'resolved');
    expect(open.length).toBeGreaterThan(0);
    expect(
      open.every((f) => f.lastSeen === '2026-12-02T00:00:00.000Z' && f.firstSeen === '2026-12-01T00:00:00.000Z'),
    ).toBe(true);
  });
});
