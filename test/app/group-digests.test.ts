import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Waiver } from '../../src/engine/waivers';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { fixedClock } from '../../src/model/ports/clock';
import { MemoryStore } from '../../src/store/memory-store';
import type { FleetStore } from '../../src/store/types';
import { fleetEvents, generateFleet } from '../support/generated-fleet';

const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
/** Three 8-host clusters, unclustered hosts, VMs on unreported hosts: every kind of page group. */
const events = fleetEvents(
  generateFleet({ hosts: 24, vmsPerHost: 3, hostsPerCluster: 8, unclusteredEvery: 10, strayVms: 2 }),
);

/** A MemoryStore that counts the findings reads and writes the audit sends. */
class CountingStore extends MemoryStore {
  itemReads = 0;
  pageGroupsRead: string[] = [];
  fullReads = 0;
  writes = 0;
  failPageWriteAfter: number | undefined;
  override async listFindings(): Promise<Finding[]> {
    this.fullReads++;
    return super.listFindings();
  }
  override async listFindingItems(): Promise<Finding[]> {
    this.itemReads++;
    return super.listFindingItems();
  }
  override async listUnverifiedFindings(groups?: readonly string[]): Promise<Finding[]> {
    if (groups !== undefined) this.pageGroupsRead.push(...groups);
    return super.listUnverifiedFindings(groups);
  }
  override async putFindings(findings: readonly Finding[]): Promise<void> {
    this.writes += findings.length;
    return super.putFindings(findings);
  }
  override async replaceUnverified(profile: string, group: string, ruleId: string, findings: readonly Finding[]) {
    if (this.failPageWriteAfter !== undefined && this.failPageWriteAfter-- <= 0) throw new Error('crashed mid-write');
    this.writes += findings.length;
    return super.replaceUnverified(profile, group, ruleId, findings);
  }
  resetCounts(): void {
    this.itemReads = 0;
    this.pageGroupsRead = [];
    this.fullReads = 0;
    this.writes = 0;
  }
}

/** The same store without group digests: every audit reads and compares every stored finding (the full path). */
function withoutDigests(store: FleetStore): FleetStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'findingDigests') return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One store audited with digests, one without; fed the same events, audited at the same instants. */
async function pair() {
  const digested = new CountingStore();
  const fullStore = new MemoryStore();
  const full = withoutDigests(fullStore);
  await digested.putEvents(events);
  await fullStore.putEvents(events);
  const put = async (more: FleetEvent[]) => {
    await digested.putEvents(more);
    await fullStore.putEvents(more);
  };
  const audit = async (now: string, waivers?: Waiver[]) => {
    const opts = { rules, full: true, ...(waivers !== undefined && { waivers }) };
    digested.resetCounts();
    const a = await runAudit({ store: digested, clock: fixedClock(now) }, opts);
    const counts = { ...digested, pageGroupsRead: [...digested.pageGroupsRead] };
    const b = await runAudit({ store: full, clock: fixedClock(now) }, opts);
    expect(a.findings).toEqual(b.findings);
    expect(a.resolved).toEqual(b.resolved);
    expect(a.summary).toEqual(b.summary);
    expect(a.compliance).toEqual(b.compliance);
    expect(sorted(await digested.listFindings())).toEqual(sorted(await fullStore.listFindings()));
    return { ...a, counts };
  };
  return { digested, put, audit };
}

const sorted = (findings: Finding[]) => [...findings].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));

const setting = (id: string, vm: string, time: string, value: number): FleetEvent =>
  ({ id, time, type: 'vm.upsert', vm: { id: vm, settings: { 'RemoteDisplay.maxConnections': value } } }) as FleetEvent;

describe('Function: runAudit with group digests', () => {
  it('reads no stored finding and writes none when the fleet is unchanged, with the full read’s result', async () => {
    const { audit } = await pair();
    const first = await audit('2026-12-01T00:00:00.000Z');
    expect(first.findings.some((f) => f.status === 'unverified')).toBe(true);
    const again = await audit('2026-12-02T00:00:00.000Z');
    expect(again.counts).toMatchObject({ fullReads: 0, itemReads: 0, pageGroupsRead: [], writes: 0 });
  });

  it('reads and writes only the group of a changed finding, and resolves it when the change is undone', async () => {
    const { put, audit } = await pair();
    await audit('2026-12-01T00:00:00.000Z');
    await put([setting('change', 'vm-0', '2026-12-01T12:00:00.000Z', 5)]);
    const changed = await audit('2026-12-02T00:00:00.000Z');
    expect(changed.findings.some((f) => f.resourceId === 'vm-0' && f.firstSeen === '2026-12-02T00:00:00.000Z')).toBe(
      true,
    );
    expect(changed.counts.writes).toBeGreaterThan(0);
    expect(changed.counts.pageGroupsRead).toEqual(['C#c0']);
    await put([setting('undo', 'vm-0', '2026-12-02T12:00:00.000Z', 1)]);
    const undone = await audit('2026-12-03T00:00:00.000Z');
    expect(undone.resolved.map((f) => f.resourceId)).toEqual(['vm-0']);
  });

  it('sees waivers given between audits, and their expiry', async () => {
    const { audit } = await pair();
    await audit('2026-12-01T00:00:00.000Z');
    const waiver: Waiver = {
      rule: 'vm.*',
      resource: 'vm-1',
      reason: 'change window',
      owner: 'ops',
      expires: '2026-12-10',
    };
    const waived = await audit('2026-12-02T00:00:00.000Z', [waiver]);
    expect(waived.findings.some((f) => f.resourceId === 'vm-1' && f.status === 'waived')).toBe(true);
    // Stored waivers, unchanged: the digests now describe the waived findings.
    await audit('2026-12-03T00:00:00.000Z');
    const expired = await audit('2026-12-11T00:00:00.000Z');
    expect(expired.findings.some((f) => f.resourceId === 'vm-1' && f.status === 'waived')).toBe(false);
  });

  it('does not trust a group an audit stopped writing half way, even once the fleet is back as it was', async () => {
    const { digested, audit } = await pair();
    await audit('2026-12-01T00:00:00.000Z');
    // A VM moves to another cluster: its unverified findings leave one group's pages for another's, several page sets.
    const vm = vmIn('c0');
    const target = hostIn('c1');
    await digested.putEvents([move('there', vm.id, target, 'c1', '2026-12-01T12:00:00.000Z')]);
    digested.failPageWriteAfter = 1;
    await expect(
      runAudit({ store: digested, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true }),
    ).rejects.toThrow('crashed mid-write');
    digested.failPageWriteAfter = undefined;
    // Back where the digests written before the crash say it is: only digests taken off before the writes keep the
    // half-written pages from being trusted.
    await digested.putEvents([move('back', vm.id, vm.hostId, 'c0', '2026-12-01T18:00:00.000Z')]);
    await expectNothingLeftToCorrect(digested, '2026-12-03T00:00:00.000Z');
  });

  it('sees what an incremental audit wrote between two full ones', async () => {
    const { digested, audit } = await pair();
    await audit('2026-12-01T00:00:00.000Z');
    const vm = vmIn('c0');
    const moved = await digested.putEvents([move('there', vm.id, hostIn('c1'), 'c1', '2026-12-01T12:00:00.000Z')]);
    await runAudit(
      { store: digested, clock: fixedClock('2026-12-01T13:00:00.000Z') },
      { rules, scope: moved.subjects },
    );
    await digested.putEvents([move('back', vm.id, vm.hostId, 'c0', '2026-12-01T14:00:00.000Z')]);
    await expectNothingLeftToCorrect(digested, '2026-12-02T00:00:00.000Z');
  });
});

/** A full read audit right after a digest audit, at the same instant, finds the same findings and nothing to write. */
async function expectNothingLeftToCorrect(store: CountingStore, now: string): Promise<void> {
  const a = await runAudit({ store, clock: fixedClock(now) }, { rules, full: true });
  store.resetCounts();
  const b = await runAudit({ store: withoutDigests(store), clock: fixedClock(now) }, { rules, full: true });
  expect(b.findings).toEqual(a.findings);
  expect(store.writes).toBe(0);
}

type VmEvent = { vm: { id: string; hostId: string; cluster?: string } };
const vmIn = (cluster: string) =>
  (events.find((e) => e.type === 'vm.upsert' && (e as unknown as VmEvent).vm.cluster === cluster) as unknown as VmEvent)
    .vm;
const hostIn = (cluster: string) =>
  (
    events.find(
      (e) => e.type === 'host.upsert' && (e as unknown as { host: { cluster?: string } }).host.cluster === cluster,
    ) as unknown as {
      host: { id: string };
    }
  ).host.id;
const move = (id: string, vm: string, hostId: string, cluster: string, time: string): FleetEvent =>
  ({ id, time, type: 'vm.upsert', vm: { id: vm, hostId, cluster } }) as FleetEvent;
