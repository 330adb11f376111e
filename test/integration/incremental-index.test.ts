import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { evaluateChanges } from '../../src/app/evaluate-changes';
import { loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Fleet } from '../../src/model/fleet';
import type { Finding } from '../../src/model/finding';
import { eventKey } from '../../src/store/items';
import { clusterUnverifiedGroup, UNCLUSTERED_GROUP } from '../../src/store/unverified-pages';
import { streamInsert } from '../functions/helpers/aws-events';
import { fleetEvents, generateFleet } from '../support/generated-fleet';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { fixedClock } from '../../src/model/ports/clock';

/**
 * Issue 17: a stream batch is evaluated from the changed entities' clusters (Queries on the cluster index), never
 * a Scan, with a bounded number of requests per changed VM, and the findings it leaves are the ones a full audit
 * gives for the resources it touched.
 */
const rules = loadRules(undefined, { profile: 'scg' });
const T0 = '2026-11-20T12:00:00.000Z';
const T1 = '2026-11-21T09:00:00.000Z';
const NOW = '2026-11-21T10:00:00.000Z';
let local: LocalDynamo;
let fleet: Fleet;
let counts: Map<string, number>;
/** Partitions of unverified pages the evaluation queried (part of `counts`). */
const unverifiedRead: string[] = [];
let sequence = 0;

function countRequests(client: DynamoDBClient): Map<string, number> {
  const m = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = ((context as { commandName?: string }).commandName ?? '?').replace(/Command$/, '');
      m.set(name, (m.get(name) ?? 0) + 1);
      const input = (
        args as {
          input: {
            IndexName?: string;
            KeyConditionExpression?: string;
            ExpressionAttributeValues?: Record<string, { S?: string }>;
          };
        }
      ).input;
      const pk = input.ExpressionAttributeValues?.[':pk']?.S;
      // A whole partition's Query reads its pages; one with a key prefix lists a rule's keys to replace them.
      if (name === 'Query' && input.KeyConditionExpression === 'pk = :pk' && pk?.startsWith('FINDINGS#UNVERIFIED'))
        unverifiedRead.push(pk);
      return next(args);
    },
    { step: 'initialize', name: 'testRequestCounter' },
  );
  return m;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const inserts = (events: readonly FleetEvent[]) => events.map((e) => streamInsert(eventKey(e), sequence++));

/** Stores the events, then hands their stream records to the evaluation, counting what it sends. */
async function ingestAndEvaluate(events: FleetEvent[]) {
  await local.store.putEvents(events);
  counts.clear();
  unverifiedRead.length = 0;
  const result = await evaluateChanges(inserts(events), {
    store: local.store,
    rules,
    clock: fixedClock(NOW),
  });
  return { result, requests: total(counts), byOp: new Map(counts) };
}

const view = (fs: readonly Finding[]) => fs.map((f) => JSON.stringify(f)).sort();

async function findingsOf(resources: readonly (readonly [Finding['resourceType'], string])[]) {
  // Every finding, the unverified ones on their rule's pages included (listResourceFindings reads items only).
  const wanted = new Set(resources.map(([type, id]) => `${type}#${id}`));
  return (await local.store.listFindings()).filter((f) => wanted.has(`${f.resourceType}#${f.resourceId}`));
}

beforeAll(async () => {
  local = await startLocalDynamo('hyperaudit-incr-');
  // 8 clusters of 12 hosts, every 10th host unclustered, VMs on unreported hosts, 5 % migrated across a cluster.
  fleet = generateFleet({ hosts: 96, vmsPerHost: 4, hostsPerCluster: 12, unclusteredEvery: 10, strayVms: 3, seed: 7 });
  const events = fleetEvents(fleet, T0);
  for (const vm of fleet.vms.values())
    for (const m of vm.movements)
      events.push({
        id: m.eventId,
        time: m.time,
        type: 'vm.migrate',
        migrate: { vmId: vm.id, fromHostId: m.fromHostId, toHostId: m.toHostId!, kind: 'live' },
      } as FleetEvent);
  await local.store.putEvents(events);
  counts = countRequests((local.store as unknown as { options: { client: DynamoDBClient } }).options.client);
  await runAudit({ store: local.store, clock: fixedClock(T0) }, { rules, full: true });
}, 120_000);
afterAll(() => local?.stop());

describe('incremental evaluation through the cluster index', () => {
  it('reads the whole table until a compaction has built the index, and says why', async () => {
    const vm = fleet.vms.get('vm-1')!;
    const { result } = await ingestAndEvaluate([
      { id: 'pre-1', time: T1, type: 'vm.upsert', vm: { id: vm.id, labels: { note: 'before index' } } } as FleetEvent,
    ]);
    expect(result).toMatchObject({ reads: 'table', fullReadReason: 'index not built' });
    const compaction = await local.store.compact();
    expect(compaction.failed).toBeUndefined();
    expect(await local.store.clusterIndexReady()).toBe(true);
  }, 120_000);

  it('evaluates a batch of VM changes with Queries only, under 50 requests per changed VM, equal to a full audit', async () => {
    const drifted = 'vm-5';
    const migrated = 'vm-17'; // host-4 (c0) to host-40 (c3)
    const removed = 'vm-30';
    const source = [...fleet.vms.values()].find((v) => v.perimeter !== undefined && v.hostId === 'host-70')!;
    const batch: FleetEvent[] = [
      {
        id: 'b-1',
        time: T1,
        type: 'vm.upsert',
        vm: { id: drifted, settings: { 'isolation.tools.copy.disable': 'FALSE' } },
      } as FleetEvent,
      {
        id: 'b-2',
        time: T1,
        type: 'vm.migrate',
        migrate: { vmId: migrated, fromHostId: 'host-4', toHostId: 'host-40', kind: 'live' },
      } as FleetEvent,
      { id: 'b-3', time: T1, type: 'vm.remove', vm: { id: removed } } as FleetEvent,
      {
        id: 'b-4',
        time: T1,
        type: 'vm.upsert',
        vm: { id: 'vm-new', name: 'new', hostId: 'host-2', perimeter: 'pci', powerState: 'poweredOn', vcpus: 64 },
      } as FleetEvent,
      // A clone on a host of another cluster than its source: it inherits the source's perimeter.
      {
        id: 'b-5',
        time: T1,
        type: 'vm.clone',
        clone: {
          sourceVmId: source.id,
          vm: {
            id: 'vm-clone',
            hostId: 'host-13',
            powerState: 'poweredOn',
            settings: { 'isolation.tools.copy.disable': 'FALSE' },
            nics: [{ network: 'net-office', adapter: 'vmxnet3' }],
          },
        },
      } as FleetEvent,
    ];
    const { result, requests, byOp } = await ingestAndEvaluate(batch);
    expect(result).toMatchObject({ reads: 'index', mode: 'incremental', subjects: 5 });
    expect(byOp.get('Scan') ?? 0).toBe(0);
    expect(requests / 5).toBeLessThan(50);
    // Unverified pages: the touched clusters' partitions only (c0, c1, c3, and the unclustered and perimeter groups).
    expect(unverifiedRead.length).toBeLessThanOrEqual(5);
    expect(new Set(unverifiedRead).size).toBe(unverifiedRead.length);

    const touched = [
      ...['vm-5', 'vm-17', 'vm-30', 'vm-new', 'vm-clone'].map((id) => ['vm', id] as const),
      ...['host-0', 'host-4', 'host-40', 'host-2', 'host-13'].map((id) => ['host', id] as const),
      ...['c0', 'c1', 'c3'].map((id) => ['cluster', id] as const),
      ['perimeter', 'pci'] as const,
    ];
    const afterIncremental = await findingsOf(touched);
    expect(
      afterIncremental.some(
        (f) => f.resourceId === drifted && f.ruleId === 'vm.isolation-copy-disable' && f.status === 'open',
      ),
    ).toBe(true);
    expect(afterIncremental.filter((f) => f.resourceId === removed).every((f) => f.status === 'resolved')).toBe(true);
    expect(afterIncremental.some((f) => f.resourceId === 'vm-new')).toBe(true);
    // The clone's perimeter comes from its source in another cluster, read as context: its network is outside it.
    expect(
      afterIncremental.some((f) => f.resourceId === 'vm-clone' && f.ruleId === 'perimeter.vm-network-outside'),
    ).toBe(true);

    // A full audit at the same instant changes none of the touched resources' findings.
    await runAudit({ store: local.store, clock: fixedClock(NOW) }, { rules, full: true });
    expect(view(await findingsOf(touched))).toEqual(view(afterIncremental));
  }, 180_000);

  it('evaluates one changed VM with a bounded count of requests, whatever the number of clusters', async () => {
    const { result, requests, byOp } = await ingestAndEvaluate([
      { id: 'one-1', time: T1, type: 'vm.upsert', vm: { id: 'vm-200', memoryMiB: 65536 } } as FleetEvent,
    ]);
    expect(result.reads).toBe('index');
    expect(byOp.get('Scan') ?? 0).toBe(0);
    expect(requests).toBeLessThan(50);
    // Its unverified findings: one Query of its cluster's pages (counted above), not every cluster's.
    const host = fleet.hosts.get(fleet.vms.get('vm-200')!.hostId ?? '');
    expect(unverifiedRead).toEqual([
      `FINDINGS#UNVERIFIED#${host?.cluster !== undefined ? clusterUnverifiedGroup(host.cluster) : UNCLUSTERED_GROUP}`,
    ]);
  }, 60_000);

  it('re-evaluates the VMs of a host whose settings changed, from its cluster only', async () => {
    const { result, byOp } = await ingestAndEvaluate([
      {
        id: 'h-1',
        time: T1,
        type: 'host.upsert',
        host: { id: 'host-50', settings: { 'Security.AccountLockFailures': 0 } },
      } as FleetEvent,
    ]);
    expect(result).toMatchObject({ reads: 'index' });
    expect(byOp.get('Scan') ?? 0).toBe(0);
  }, 60_000);

  it('reads the table when a host moves to another cluster, since VMs anywhere cite it', async () => {
    const { result } = await ingestAndEvaluate([
      { id: 'h-2', time: T1, type: 'host.upsert', host: { id: 'host-51', cluster: 'c7' } } as FleetEvent,
    ]);
    expect(result).toMatchObject({ reads: 'table', fullReadReason: 'host placement changed' });
    // The move is in the index now: the host's next change is read from its new cluster.
    const next = await ingestAndEvaluate([
      {
        id: 'h-3',
        time: '2026-11-21T09:30:00.000Z',
        type: 'host.upsert',
        host: { id: 'host-51', tpm: true },
      } as FleetEvent,
    ]);
    expect(next.result.reads).toBe('index');
  }, 120_000);
});
