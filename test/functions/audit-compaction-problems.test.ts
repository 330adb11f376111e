import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditSlice } from '../../src/app/audit-shard-files';
import { auditStep } from '../../src/app/start-run';
import { fixedClock } from '../../src/model/ports/clock';
import { memoryLogger } from '../../src/model/ports/logger';
import type { FleetEvent } from '../../src/model/event';
import { DynamoStore } from '../../src/store/dynamo-store';
import { MemoryStore } from '../../src/store/memory-store';
import type { CompactionResult } from '../../src/store/types';
import { fleetEvents } from './helpers/fleet-fixture';
import { startLocalTable, stopLocalTable, type LocalTable } from './helpers/local-table';
import { memoryS3 } from './helpers/memory-s3';

const BUCKET = 'hyperaudit-reports-compaction-problems';
const clock = fixedClock('2026-11-26T06:00:00.000Z');
const s3 = memoryS3();
let table: LocalTable;

beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => {
  s3.mock.restore();
  await stopLocalTable(table);
});

/** One upsert that fits an item, whose snapshot (a stamp per setting) does not. */
function wideVm(): FleetEvent {
  const settings = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, '1']));
  return {
    id: 'wide-vm-upsert',
    time: '2026-11-20T00:00:00.000Z',
    type: 'vm.upsert',
    vm: { id: 'vm-wide', name: 'wide', settings },
  };
}

/** The start step's own line, last, carrying the compaction counts it returned. */
const shardsListed = (compaction: unknown) => ({
  level: 'info',
  message: 'shards listed',
  fields: expect.objectContaining({ compaction }),
});

describe('compaction problems in the scheduled run', () => {
  it("completes the audit when one entity's snapshot would exceed the item limit, logging it as compaction.oversized", async () => {
    const events = [...fleetEvents(), wideVm()];
    await table.store.putEvents(events);
    const store = new DynamoStore({
      client: table.client,
      tableName: table.tableName,
      now: () => Date.now() + 10 * 60_000,
    });
    const logger = memoryLogger();

    const out = await auditStep(
      { runId: 'oversized-run', trigger: 'schedule', scope: { kind: 'fleet' } },
      { store, s3: s3.client, bucket: BUCKET, clock, logger },
    );

    const entities = out.compaction!.entities;
    expect(out.compaction).toEqual({ entities, snapshotsWritten: entities - 1, oversized: 1 });
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'compaction.oversized',
        fields: { count: 1, entities: [{ kind: 'vm', id: 'vm-wide', bytes: expect.any(Number) }] },
      },
      shardsListed(out.compaction),
    ]);
    expect((await store.loadFleet()).vms.get('vm-wide')?.name).toBe('wide');
    // The whole-fleet start hands the shards the fleet they audit: its configuration members (vmx keys, settings)
    // included, though the simulation's own read leaves them out (src/store/event-split.ts).
    const slices = [...s3.objects]
      .filter(([key]) => key.startsWith('runs/oversized-run/audit/slices/'))
      .map(([key, { body }]) => readAuditSlice(JSON.parse(body), key).slice);
    const stored = await store.loadFleet();
    const wide = slices.map((slice) => slice.fleet.vms.get('vm-wide')).find((vm) => vm !== undefined);
    expect(wide?.settings).toEqual(stored.vms.get('vm-wide')?.settings);
    expect(Object.keys(wide?.settings ?? {})).toHaveLength(20_000);
    const hosts = slices.flatMap((slice) => [...slice.fleet.hosts.values()]);
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(host).toEqual(stored.hosts.get(host.id));
  });

  it('completes the audit when snapshot writes failed for some entities, logging them as compaction.failed', async () => {
    const failed: CompactionResult['failed'] = [{ kind: 'host', id: 'esx-1', error: 'lost the write race 8 times' }];
    const store = new (class extends MemoryStore {
      async compact(): Promise<CompactionResult> {
        return { entities: 5, snapshotsWritten: 4, failed };
      }
    })();
    await store.putEvents(fleetEvents());
    const logger = memoryLogger();

    const out = await auditStep(
      { runId: 'failed-run', trigger: 'schedule', scope: { kind: 'fleet' } },
      { store, s3: s3.client, bucket: BUCKET, clock, logger },
    );

    expect(out.compaction).toEqual({ entities: 5, snapshotsWritten: 4, failed: 1 });
    expect(out.hosts).toBe(4);
    expect(logger.entries).toEqual([
      { level: 'error', message: 'compaction.failed', fields: { count: 1, entities: failed } },
      shardsListed(out.compaction),
    ]);
  });
});
