import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { normaliseLibvirtLine } from '../../src/sources/libvirt';
import { domainKey } from '../../src/sources/libvirt/domain-index';
import { MemoryStore } from '../../src/store/memory-store';

const rules = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id === 'perimeter.migration-crossed');
const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const host = (id: string, perimeter: string): FleetEvent => ({
  id: `h-${id}`,
  time: t(0),
  type: 'host.upsert',
  host: { id, name: id, cluster: perimeter, perimeter },
});
const hosts = [host('pci-1', 'pci'), host('pci-2', 'pci'), host('gen-1', 'general'), host('gen-2', 'general')];
const placed: FleetEvent = {
  id: 'v0',
  time: t(1),
  type: 'vm.upsert',
  vm: { id: 'vm-pay', hostId: 'pci-1', perimeter: 'pci' },
};
/** A move as Nova (`evacuate`, `live_migration_post_dest.end`) and libvirt (`Started Migrated`) report it: no source host. */
const moveTo = (id: string, minute: number, toHostId: string, fromHostId?: string): FleetEvent => ({
  id,
  time: t(minute),
  type: 'vm.migrate',
  migrate: { vmId: 'vm-pay', toHostId, kind: 'evacuate', ...(fromHostId !== undefined && { fromHostId }) },
});

async function crossed(events: FleetEvent[], now = '2026-11-02T00:00:00.000Z', store = new MemoryStore()) {
  await store.putEvents(events);
  const result = await runAudit({ store, clock: fixedClock(now) }, { rules });
  return { result, store, finding: result.findings.find((f) => f.ruleId === 'perimeter.migration-crossed') };
}

describe('Movements without a source host take it from the stored placement (issue 15 item 2)', () => {
  it('fires migration-crossed for a move that names only its destination', async () => {
    const { finding } = await crossed([...hosts, placed, moveTo('m1', 5, 'gen-1')]);
    const crossing = finding?.evidence.perimeterCrossing as Record<string, unknown>;
    expect(crossing).toMatchObject({ eventId: 'm1', fromHostId: 'pci-1', toHostId: 'gen-1', home: ['pci'] });
    expect(crossing.legs).toEqual([expect.objectContaining({ fromHostId: 'pci-1', fromHostSource: 'state' })]);
  });

  it('gives the same answer whatever order the events arrive in', async () => {
    const { finding } = await crossed([moveTo('m1', 5, 'gen-1'), placed, ...hosts].reverse());
    expect(finding?.evidence.perimeterCrossing).toMatchObject({ fromHostId: 'pci-1' });
  });

  it('trusts the placement history over a disagreeing event and records both', async () => {
    const { finding } = await crossed([...hosts, placed, moveTo('m1', 5, 'gen-1', 'gen-2')]);
    expect((finding!.evidence.perimeterCrossing as { legs: unknown[] }).legs).toEqual([
      expect.objectContaining({ fromHostId: 'pci-1', reportedFromHostId: 'gen-2', fromHostSource: 'state' }),
    ]);
  });

  it('reaches the VM collected on another host from a libvirt Started Migrated line', () => {
    const domains = new Map([[domainKey('kvm01', 'web01'), 'libvirt:kvm01/6f1c']]);
    const out = normaliseLibvirtLine(
      "2024-09-01 10:00:05.250+0000: event 'lifecycle' for domain 'web01': Started Migrated",
      { file: 'kvm02.log' },
      { host: 'kvm02', domains },
    );
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'event',
        event: expect.objectContaining({
          migrate: { vmId: 'libvirt:kvm01/6f1c', toHostId: 'libvirt:kvm02', kind: 'live' },
        }),
      }),
    ]);
  });
});

describe('A perimeter excursion resolves when the VM is back and keeps every leg (issue 15 item 5)', () => {
  it('keeps every leg while the VM is outside and resolves once it is back inside', async () => {
    const out = [...hosts, placed, moveTo('m1', 5, 'gen-1'), moveTo('m2', 6, 'gen-2')];
    const first = await crossed(out, '2026-11-02T00:00:00.000Z');
    expect(
      (first.finding!.evidence.perimeterCrossing as { legs: { eventId: string }[] }).legs.map((l) => l.eventId),
    ).toEqual(['m1', 'm2']);
    const back = await crossed([moveTo('m3', 7, 'pci-2')], '2026-11-03T00:00:00.000Z', first.store);
    expect(back.finding).toBeUndefined();
    expect(back.result.resolved.map((f) => f.ruleId)).toEqual(['perimeter.migration-crossed']);
  });

  it('opens again on a second excursion, citing only that one’s legs', async () => {
    const events = [...hosts, placed, moveTo('m1', 5, 'gen-1'), moveTo('m2', 7, 'pci-2'), moveTo('m3', 9, 'gen-2')];
    const { finding } = await crossed(events);
    expect((finding!.evidence.perimeterCrossing as { legs: { eventId: string }[] }).legs.map((l) => l.eventId)).toEqual(
      ['m3'],
    );
  });
});
