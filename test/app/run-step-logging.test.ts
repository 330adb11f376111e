import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareShard } from '../../src/app/prepare-shard';
import { auditStep } from '../../src/app/start-run';
import { fixedClock } from '../../src/model/ports/clock';
import { memoryLogger } from '../../src/model/ports/logger';
import type { ClusterItem } from '../../src/model/run-files';
import { fleetEvents } from '../functions/helpers/fleet-fixture';
import { type LocalTable, startLocalTable, stopLocalTable } from '../functions/helpers/local-table';
import { memoryS3 } from '../functions/helpers/memory-s3';

const BUCKET = 'hyperaudit-reports-step-logging';
const s3 = memoryS3();
let table: LocalTable;

beforeAll(async () => {
  table = await startLocalTable();
  await table.store.putEvents(fleetEvents());
});
afterAll(async () => {
  s3.mock.restore();
  await stopLocalTable(table);
});

describe('the run steps log their outcome through the logger port', () => {
  it('logs "shards listed" from the start step and "shard prepared" with its output from the shard it prepares', async () => {
    const logger = memoryLogger();
    const deps = {
      store: table.store,
      s3: s3.client,
      bucket: BUCKET,
      clock: fixedClock('2026-11-26T06:00:00.000Z'),
      logger,
      shardsPrepareThemselves: true,
    };
    const started = await auditStep({ runId: 'logging-run', trigger: 'schedule', scope: { kind: 'fleet' } }, deps);
    expect(logger.entries.filter((e) => e.message === 'shards listed')).toEqual([
      {
        level: 'info',
        message: 'shards listed',
        fields: {
          reads: started.reads,
          shards: started.shards,
          clusters: started.clusters,
          hosts: started.hosts,
          vms: started.vms,
          compaction: started.compaction,
        },
      },
    ]);
    expect(started.shards).toBeGreaterThan(0);

    const list = JSON.parse(s3.objects.get(started.clustersKey)?.body ?? '[]') as ClusterItem[];
    const item = list[0];
    if (item === undefined) throw new Error('the start step listed no shard');
    const prepared = await prepareShard(
      { runId: started.runId, clusterId: item.clusterId, window: started.window, auditedAt: started.auditedAt },
      deps,
    );
    expect(logger.entries.filter((e) => e.message === 'shard prepared')).toEqual([
      { level: 'info', message: 'shard prepared', fields: { ...prepared } },
    ]);
    expect(prepared.clusterId).toBe(item.clusterId);
  });
});
