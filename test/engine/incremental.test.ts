import { fixedClock } from '../../src/model/ports/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { MemoryStore } from '../../src/store/memory-store';
import { at, fleetEventsArb, VALUE_POOL } from './support/random-fleet';

const rules = loadRules(DEFAULT_RULES_DIR);
const T1 = '2026-12-01T00:00:00.000Z';
const T2 = '2026-12-02T00:00:00.000Z';

/** Change events against a base fleet of `h0..h6` and `v0..v14`: the moves and edits ingest sees. */
const changeArb = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('move-upsert' as const), fc.nat(14), fc.nat(6)),
    fc.tuple(fc.constant('migrate' as const), fc.nat(14), fc.nat(6)),
    fc.tuple(fc.constant('remove-vm' as const), fc.nat(14), fc.constant(0)),
    fc.tuple(fc.constant('remove-host' as const), fc.nat(6), fc.constant(0)),
    fc.tuple(fc.constant('host-settings' as const), fc.nat(6), fc.nat(VALUE_POOL.length - 1)),
    fc.tuple(fc.constant('host-cluster' as const), fc.nat(6), fc.nat(2)),
    fc.tuple(fc.constant('clone' as const), fc.nat(14), fc.nat(6)),
    fc.tuple(fc.constant('power-off' as const), fc.nat(14), fc.constant(0)),
    fc.tuple(fc.constant('vm-labels' as const), fc.nat(14), fc.nat(1)),
    fc.tuple(fc.constant('vm-perimeter' as const), fc.nat(14), fc.nat(2)),
    fc.tuple(fc.constant('perimeter' as const), fc.nat(2), fc.nat(3)),
  ),
  { minLength: 1, maxLength: 6 },
);

function toEvents(changes: [string, number, number][]): FleetEvent[] {
  return changes.map(([kind, a, b], i): FleetEvent => {
    const id = `chg-${i}`;
    const time = at(10_000 + i);
    switch (kind) {
      case 'move-upsert':
        return { id, time, type: 'vm.upsert', vm: { id: `v${a}`, hostId: `h${b}` } };
      case 'migrate':
        return { id, time, type: 'vm.migrate', migrate: { vmId: `v${a}`, toHostId: `h${b}`, kind: 'drs' } };
      case 'remove-vm':
        return { id, time, type: 'vm.remove', vm: { id: `v${a}` } };
      case 'remove-host':
        return { id, time, type: 'host.remove', host: { id: `h${a}` } };
      case 'host-settings':
        return {
          id,
          time,
          type: 'host.upsert',
          host: {
            id: `h${a}`,
            settings: { 'Mem.ShareForceSalting': VALUE_POOL[b]!, 'UserVars.ESXiShellTimeOut': VALUE_POOL[b]! },
          },
        };
      case 'host-cluster':
        return {
          id,
          time,
          type: 'host.upsert',
          host: { id: `h${a}`, cluster: `c${b}`, datacenter: `dc${b % 2}`, memoryMiB: 8192 },
        };
      case 'clone':
        return {
          id,
          time,
          type: 'vm.clone',
          clone: { sourceVmId: `v${a}`, vm: { id: `newclone${i}`, hostId: `h${b}` } },
        };
      case 'power-off':
        return { id, time, type: 'vm.power_off', vm: { id: `v${a}` } };
      case 'vm-labels':
        return {
          id,
          time,
          type: 'vm.upsert',
          vm: { id: `v${a}`, labels: { app: 'shop', role: b === 0 ? 'db' : 'web', chatty: true } },
        };
      case 'vm-perimeter':
        return { id, time, type: 'vm.upsert', vm: { id: `v${a}`, perimeter: `p${b}` } };
      default:
        return {
          id,
          time,
          type: 'perimeter.upsert',
          perimeter: { id: `p${a}`, allowedClusters: [`c${b % 3}`], trustLevel: b },
        };
    }
  });
}

const comparable = (findings: Finding[]) =>
  findings.map(({ lastSeen: _lastSeen, ...rest }) => rest).sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1));

describe('incremental audit', () => {
  it('leaves the same findings as a full audit after random change sets (lastSeen aside)', async () => {
    let incremental = 0;
    await fc.assert(
      fc.asyncProperty(fleetEventsArb(rules), changeArb, async (base, changes) => {
        const events = toEvents(changes);
        const stores = [new MemoryStore(), new MemoryStore()];
        for (const s of stores) {
          await s.putEvents(base);
          await runAudit({ store: s, clock: fixedClock(T1) }, { rules });
        }
        const { subjects } = await stores[0]!.putEvents(events);
        await stores[1]!.putEvents(events);
        const inc = await runAudit({ store: stores[0]!, clock: fixedClock(T2) }, { rules, scope: subjects });
        await runAudit({ store: stores[1]!, clock: fixedClock(T2) }, { rules, full: true });
        if (inc.mode === 'incremental') incremental++;
        expect(comparable(await stores[0]!.listFindings())).toEqual(comparable(await stores[1]!.listFindings()));
      }),
      { numRuns: 60, seed: 99 },
    );
    // Most change sets have no perimeter edit, so the incremental path is what is being compared.
    expect(incremental).toBeGreaterThan(30);
  });

  it('re-evaluates only the changed VM (plus hosts and clusters) when one VM changes', async () => {
    const store = new MemoryStore();
    const base: FleetEvent[] = [
      {
        id: 'h',
        time: at(0),
        type: 'host.upsert',
        host: { id: 'h0', cluster: 'c0', hypervisor: { vendor: 'vmware' } },
      },
      { id: 'a', time: at(1), type: 'vm.upsert', vm: { id: 'va', hostId: 'h0', settings: { 'mks.enable3d': true } } },
      { id: 'b', time: at(2), type: 'vm.upsert', vm: { id: 'vb', hostId: 'h0' } },
    ];
    await store.putEvents(base);
    await runAudit({ store, clock: fixedClock(T1) }, { rules });
    const { subjects } = await store.putEvents([
      { id: 'c', time: at(3), type: 'vm.upsert', vm: { id: 'vb', settings: { 'mks.enable3d': true } } },
    ]);
    const result = await runAudit({ store, clock: fixedClock(T2) }, { rules, scope: subjects });
    expect(result.mode).toBe('incremental');
    const vmCoverage = new Set(
      result.coverage.filter((c) => c.ruleId === 'vm.3d-disabled').flatMap((c) => c.resourceIds),
    );
    expect([...vmCoverage]).toEqual(['vb']);
    const threeD = result.findings.filter((f) => f.ruleId === 'vm.3d-disabled');
    expect(threeD.map((f) => [f.resourceId, f.lastSeen])).toEqual([
      ['va', T1],
      ['vb', T2],
    ]);
  });
});
