import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';

const rules = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id.startsWith('sprawl.'));
const at = (day: number, hour = 8) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();
let n = 0;
const host = (id: string): FleetEvent =>
  ({ id: `h${++n}`, time: at(1), type: 'host.upsert', host: { id, hypervisor: { vendor: 'vmware' } } }) as FleetEvent;
const vm = (v: Record<string, unknown>, time = at(1)): FleetEvent =>
  ({ id: `v${++n}`, time, type: 'vm.upsert', vm: { hostId: 'esx-01', powerState: 'poweredOn', ...v } }) as FleetEvent;
const find = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);
const coverage = (r: Awaited<ReturnType<typeof runAudit>>, ruleId: string) =>
  r.coverage.find((c) => c.ruleId === ruleId);

describe('VM sprawl rules', () => {
  it('finds a VM whose host left the fleet, citing the host it names', async () => {
    const store = new MemoryStore();
    await store.putEvents([host('esx-01'), vm({ id: 'vm-ok' }), vm({ id: 'vm-lost', hostId: 'esx-gone' })]);
    const r = await runAudit({ store, clock: fixedClock(at(2)) }, { rules });
    const lost = find(r.findings, 'sprawl.orphaned-vm', 'vm-lost');
    expect(lost?.status).toBe('open');
    expect(lost?.evidence.hostId).toBe('esx-gone');
    expect(find(r.findings, 'sprawl.orphaned-vm', 'vm-ok')).toBeUndefined();
  });

  it('orphans the VMs of a removed host on the next audit', async () => {
    const store = new MemoryStore();
    await store.putEvents([host('esx-01'), vm({ id: 'vm-1' })]);
    expect(
      find((await runAudit({ store, clock: fixedClock(at(2)) }, { rules })).findings, 'sprawl.orphaned-vm', 'vm-1'),
    ).toBeUndefined();
    await store.putEvents([{ id: 'rm', time: at(3), type: 'host.remove', host: { id: 'esx-01' } } as FleetEvent]);
    const r = await runAudit({ store, clock: fixedClock(at(4)) }, { rules });
    expect(find(r.findings, 'sprawl.orphaned-vm', 'vm-1')?.status).toBe('open');
  });

  it('flags idle running VMs only, and leaves VMs without CPU figures unverified rather than failing', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      host('esx-01'),
      vm({ id: 'vm-idle', workload: { cpuAvgPct: 1 } }),
      vm({ id: 'vm-busy', workload: { cpuAvgPct: 40 } }),
      vm({ id: 'vm-off', powerState: 'poweredOff', workload: { cpuAvgPct: 0 } }),
      vm({ id: 'vm-unmeasured' }),
    ]);
    const r = await runAudit({ store, clock: fixedClock(at(2)) }, { rules });
    expect(find(r.findings, 'sprawl.idle-vm', 'vm-idle')?.status).toBe('open');
    for (const id of ['vm-busy', 'vm-off', 'vm-unmeasured'])
      expect(find(r.findings, 'sprawl.idle-vm', id), id).toBeUndefined();
    expect(coverage(r, 'sprawl.idle-vm')?.unverifiedIds).toEqual(['vm-unmeasured']);
    expect(r.compliance?.rules.find((x) => x.ruleId === 'sprawl.idle-vm')).toMatchObject({
      fail: 1,
      pass: 2,
      unverified: 1,
      unverifiedIds: ['vm-unmeasured'],
    });
  });

  it('measures snapshot age to the audit time, not the clock', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      host('esx-01'),
      vm({ id: 'vm-snap', snapshots: { count: 1, oldest: at(1) } }),
      vm({ id: 'vm-none', snapshots: { count: 0 } }),
      vm({ id: 'vm-unreported' }),
    ]);
    // 2 days after the snapshot: within VMware's 72 hours.
    const early = await runAudit({ store, clock: fixedClock(at(3)) }, { rules });
    expect(find(early.findings, 'sprawl.old-snapshot', 'vm-snap')).toBeUndefined();
    // 10 days after: old, and the finding cites the snapshot's time.
    const late = await runAudit({ store, clock: fixedClock(at(11)) }, { rules });
    const old = find(late.findings, 'sprawl.old-snapshot', 'vm-snap');
    expect(old?.status).toBe('open');
    expect(old?.evidence).toMatchObject({ oldestSnapshotAgeDays: 10, oldestSnapshot: at(1) });
    expect(find(late.findings, 'sprawl.old-snapshot', 'vm-none')).toBeUndefined();
    expect(find(late.findings, 'sprawl.old-snapshot', 'vm-unreported')).toBeUndefined();
    expect(coverage(late, 'sprawl.old-snapshot')?.unverifiedIds).toEqual(['vm-unreported']);
  });

  it('resolves the old-snapshot finding when the snapshot is deleted', async () => {
    const store = new MemoryStore();
    await store.putEvents([host('esx-01'), vm({ id: 'vm-1', snapshots: { count: 1, oldest: at(1) } })]);
    expect(
      find((await runAudit({ store, clock: fixedClock(at(11)) }, { rules })).findings, 'sprawl.old-snapshot', 'vm-1'),
    ).toBeDefined();
    await store.putEvents([vm({ id: 'vm-1', snapshots: { count: 0 } }, at(12))]);
    const r = await runAudit({ store, clock: fixedClock(at(13)) }, { rules });
    expect(find(r.findings, 'sprawl.old-snapshot', 'vm-1')).toBeUndefined();
    expect(r.resolved.map((f) => f.ruleId)).toContain('sprawl.old-snapshot');
  });

  it('counts snapshots against the limit, unverified when the tree was not reported', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      host('esx-01'),
      vm({ id: 'vm-many', snapshots: { count: 6, oldest: at(1) } }),
      vm({ id: 'vm-three', snapshots: { count: 3, oldest: at(1) } }),
      vm({ id: 'vm-unreported' }),
    ]);
    const r = await runAudit({ store, clock: fixedClock(at(2)) }, { rules });
    expect(find(r.findings, 'sprawl.many-snapshots', 'vm-many')?.status).toBe('open');
    expect(find(r.findings, 'sprawl.many-snapshots', 'vm-three')).toBeUndefined();
    expect(coverage(r, 'sprawl.many-snapshots')?.unverifiedIds).toEqual(['vm-unreported']);
  });
});
