import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { auditShard } from '../../src/app/audit-shard';
import { finishShardedAudit } from '../../src/app/finish-sharded-audit';
import { simulateShard } from '../../src/app/simulate-shard';
import { auditStep } from '../../src/app/start-run';
import { CompiledRules } from '../../src/engine/compile';
import { loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { readClusterList } from '../../src/model/run-files';
import { MemoryStore } from '../../src/store/memory-store';
import { fleetEvents } from './helpers/fleet-fixture';
import { memoryS3 } from './helpers/memory-s3';
import { fixedClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';

const BUCKET = 'hyperaudit-finish-test';
const SPLIT_AT = '2026-11-26T06:00:00.000Z';
const LATER = '2026-11-26T06:05:00.000Z';
const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
const rules = loadRules();
const s3 = memoryS3();
afterAll(() => s3.mock.restore());

/** A VM upsert after the split, with the drift of a VM left unhardened: a new VM, or one the shards judged clean. */
function lateVm(id = 'vm-late'): FleetEvent {
  const template = fleetEvents().find((e) => e.type === 'vm.upsert')!;
  if (template.type !== 'vm.upsert') throw new Error('fixture has no vm.upsert');
  return {
    ...template,
    id: `late-event-${id}`,
    time: LATER,
    vm: {
      ...template.vm,
      id,
      name: `late-${id}`,
      settings: { 'isolation.tools.copy.disable': false, 'RemoteDisplay.maxConnections': -1 },
    },
  };
}

describe.each([
  ['the finish step runs the lifecycle on every finding', false],
  ['the shards run the lifecycle of their own resources and stage the changes', true],
])('finishing a sharded audit while events keep arriving (%s)', (_, shardsStage) => {
  it('leaves findings of a VM that arrived after the split, and newer evaluations, as they are', async () => {
    const store = new MemoryStore();
    await store.putEvents(fleetEvents());
    const input = {
      runId: shardsStage ? 'late-run-staged' : 'late-run',
      trigger: 'schedule' as const,
      scope: { kind: 'fleet' },
    };
    const split = await auditStep(input, {
      store,
      s3: s3.client,
      bucket: BUCKET,
      clock: fixedClock(SPLIT_AT),
      logger: quietLogger,
    });
    const items = readClusterList(JSON.parse(s3.objects.get(split.clustersKey)!.body), split.clustersKey);
    const compiled = new CompiledRules(rules);
    for (const { clusterId, simulate } of items) {
      if (simulate)
        await simulateShard({ runId: input.runId, clusterId }, { s3: s3.client, bucket: BUCKET, tracesDir });
      const out = await auditShard(
        { runId: input.runId, clusterId, profile: split.profile },
        { s3: s3.client, bucket: BUCKET, rules: compiled, ...(shardsStage && { store }) },
      );
      expect(out.staged !== undefined).toBe(shardsStage);
    }

    // Meanwhile the stream brings a new VM and the incremental evaluation judges it.
    const drifted = (fleetEvents().find((e) => e.type === 'vm.upsert') as { vm: { id: string } }).vm.id;
    const put = await store.putEvents([lateVm(), lateVm(drifted)]);
    await runAudit({ store, clock: fixedClock(LATER) }, { rules, scope: put.subjects });
    const lateFindings = (await store.listFindings()).filter((f) => f.resourceId === 'vm-late');
    expect(lateFindings.length).toBeGreaterThan(0);
    const driftFindings = (await store.listFindings()).filter((f) => f.resourceId === drifted && f.status === 'open');
    expect(driftFindings.length).toBeGreaterThan(0);

    await finishShardedAudit(split, { store, s3: s3.client, bucket: BUCKET, rules });
    const after = await store.listFindings();
    // No shard judged vm-late: its findings are not resolved by the older view.
    expect(after.filter((f) => f.resourceId === 'vm-late')).toEqual(lateFindings);
    // A shard judged the drifted VM clean before its drift: the newer incremental findings stay open.
    for (const f of driftFindings) expect(after.find((a) => a.fingerprint === f.fingerprint)).toEqual(f);
    // The shards' findings on the rest of the fleet are recorded at the split time.
    expect(after.some((f) => f.resourceType === 'vm' && f.resourceId !== 'vm-late' && f.firstSeen === SPLIT_AT)).toBe(
      true,
    );
  }, 120_000);
});
