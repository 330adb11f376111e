import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { MemoryStore } from '../../src/store/memory-store';
import { openDynamoStore } from '../../src/store/open-store';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli } from '../support/run-cli';

const past = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const FORGED = '9999-12-31T23:59:59Z';
const ssh = (id: string, time: string, running: boolean): FleetEvent => ({
  id,
  time,
  type: 'host.upsert',
  host: { id: 'esx-01', services: { 'TSM-SSH': { running, policy: running ? 'on' : 'off' } } },
});
const history: FleetEvent[] = [
  ssh('ssh-on', past(60), true),
  ssh('forged-ssh-off', FORGED, false),
  { id: 'vm-created', time: past(60), type: 'vm.upsert', vm: { id: 'vm-1', hostId: 'esx-01' } },
  { id: 'forged-remove', time: FORGED, type: 'vm.remove', vm: { id: 'vm-1' } },
];

describe('future-dated events already in the store', () => {
  let dynamo: LocalDynamo;
  /** A store as it behaved before the policy: every stored event folded, whatever its time. */
  let legacy: DynamoStore;
  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-future-store-');
    legacy = await openDynamoStore({ endpoint: dynamo.endpoint }, { maxEventAheadMs: Number.MAX_SAFE_INTEGER });
    await legacy.putEvents(history);
    // Compaction before the fix folded the forged events into the snapshots too.
    await legacy.compact();
    const pinned = await legacy.loadFleet();
    expect(pinned.hosts.get('esx-01')?.services?.['TSM-SSH']?.running).toBe(false);
    expect(pinned.vms.has('vm-1')).toBe(false);
  });
  afterAll(async () => {
    legacy?.close();
    await dynamo?.stop();
  });

  it('are left out of the fold, events and snapshot stamps alike, so SSH shows running and the VM is back', async () => {
    const fleet = await dynamo.store.loadFleet();
    expect(fleet.hosts.get('esx-01')?.services?.['TSM-SSH']?.running).toBe(true);
    expect(fleet.vms.get('vm-1')?.hostId).toBe('esx-01');
    const replayed: string[] = [];
    for await (const e of dynamo.store.readHistory()) replayed.push(e.id);
    expect(replayed.sort()).toEqual(['ssh-on', 'vm-created']);
  });

  it('are listed by `events future --json` with subject, id and time', async () => {
    const r = await runCli('events', 'future', '--endpoint', dynamo.endpoint, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      limitSeconds: number;
      events: { eventId: string; subject: string; time: string }[];
    };
    expect(out.limitSeconds).toBe(900);
    expect(out.events.map((e) => [e.eventId, e.subject, e.time]).sort()).toEqual([
      ['forged-remove', 'vm-1', FORGED],
      ['forged-ssh-off', 'esx-01', FORGED],
    ]);
  });

  it('are deleted by `events purge-future`, which also rewrites the snapshots that held their stamps', async () => {
    const r = await runCli('events', 'purge-future', '--endpoint', dynamo.endpoint, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ deleted: 2, snapshotsRepaired: 2 });
    // Even a reader that folds everything now sees the true state: the forged writes are gone from the table.
    const fleet = await legacy.loadFleet();
    expect(fleet.hosts.get('esx-01')?.services?.['TSM-SSH']?.running).toBe(true);
    expect(fleet.vms.has('vm-1')).toBe(true);
    const after = await runCli('events', 'future', '--endpoint', dynamo.endpoint);
    expect(after.stdout).toMatch(/^0 stored event\(s\) dated more than 900 s ahead/);
  });
});

describe('the in-memory store applies the same cutoff', () => {
  it('folds, lists and purges future-dated events on its injected clock', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const store = new MemoryStore({ now: () => now });
    await store.putEvents([ssh('on', '2026-05-31T00:00:00Z', true), ssh('off', '2026-06-01T00:20:00Z', false)]);
    expect((await store.loadFleet()).hosts.get('esx-01')?.services?.['TSM-SSH']?.running).toBe(true);
    expect((await store.listFutureEvents()).map((e) => e.eventId)).toEqual(['off']);
    expect(await store.purgeFutureEvents()).toEqual({ deleted: 1, snapshotsRepaired: 0 });
    expect(await store.listFutureEvents()).toEqual([]);
  });
});
