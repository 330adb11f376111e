import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStep } from '../../src/app/start-run';
import { reportStep } from '../../src/app/finish-run';
import { runKeys, type ClusterItem } from '../../src/model/run-files';
import { simulateShard } from '../../src/app/simulate-shard';
import { auditShard } from '../../src/app/audit-shard';
import { CompiledRules } from '../../src/engine/compile';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule } from '../../src/engine/types';
import { mergeClusterResults, SIMULATION_LATEST_KEY, storedForm, type SimulationResult } from '../../src/app/simulate';
import { MemoryStore } from '../../src/store/memory-store';
import { fleetEvents } from './helpers/fleet-fixture';
import { memoryS3 } from './helpers/memory-s3';
import { fixedClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';
import { s3ArtifactStore } from '../../src/store/artifacts/s3-artifact-store';

const ITEM_LIMIT = 400 * 1024;

/** MemoryStore with DynamoDB's item limit on meta values, which the real store would hit as a ValidationException. */
class ItemLimitedStore extends MemoryStore {
  override async putMeta(key: string, value: unknown): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > ITEM_LIMIT)
      throw Object.assign(new Error(`Item size has exceeded the maximum allowed size (${key}: ${bytes} bytes)`), {
        name: 'ValidationException',
      });
    return super.putMeta(key, value);
  }
}

const BUCKET = 'hyperaudit-reports-large';
const clock = fixedClock('2026-11-26T06:00:00.000Z');
const input = {
  runId: 'large-fleet-run',
  trigger: 'schedule' as const,
  scope: { kind: 'fleet' },
  audit: { auditedAt: clock.now().toISOString(), profile: 'scg' as const },
};
const s3 = memoryS3();
let store: ItemLimitedStore;
let rules: LoadedRule[];
let shards: SimulationResult[];

/** One shard grown to `extra` more hosts: copies of its own, as a cluster of a large fleet would report them. */
function grow(shard: SimulationResult, extra: number): SimulationResult {
  const hosts = { ...shard.hosts };
  const models = Object.entries(shard.hosts);
  for (let i = 0; i < extra; i++) {
    const [modelId, model] = models[i % models.length]!;
    hosts[`${modelId}-copy-${String(i).padStart(5, '0')}`] = { ...model, score: (model.score + i) % 100 };
  }
  return { ...shard, hosts };
}

beforeAll(async () => {
  rules = loadRules();
  store = new ItemLimitedStore();
  await store.putEvents(fleetEvents());
  const audit = await auditStep(input, { store, s3: s3.client, bucket: BUCKET, clock, logger: quietLogger });
  const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
  const items = JSON.parse(s3.objects.get(audit.clustersKey)!.body) as ClusterItem[];
  const compiled = new CompiledRules(rules);
  for (const item of items) {
    await simulateShard(
      { runId: input.runId, clusterId: item.clusterId },
      { s3: s3.client, bucket: BUCKET, tracesDir },
    );
    await auditShard(
      { runId: input.runId, clusterId: item.clusterId, profile: 'scg' },
      { s3: s3.client, bucket: BUCKET, rules: compiled },
    );
  }
  // Replace the shards with ones of 600 more hosts each: a 1,204-host fleet.
  shards = items.map((item) =>
    grow(JSON.parse(s3.objects.get(runKeys.simulation(input.runId, item.clusterId))!.body) as SimulationResult, 600),
  );
  for (const [i, item] of items.entries())
    s3.objects.set(runKeys.simulation(input.runId, item.clusterId), { body: JSON.stringify(shards[i]) });
});
afterAll(() => s3.mock.restore());

describe('report step on a fleet too large for one DynamoDB item', () => {
  it('needs trimming: the merged simulation in stored form is over the item limit', () => {
    expect(Buffer.byteLength(JSON.stringify(storedForm(mergeClusterResults(shards))))).toBeGreaterThan(ITEM_LIMIT);
  });

  it("stores simulation/latest trimmed to fit one item, keeps every host's essential figures, and writes the report", async () => {
    const out = await reportStep(input, {
      store,
      s3: s3.client,
      bucket: BUCKET,
      rules,
      failThreshold: 'high',
      artifacts: s3ArtifactStore(s3.client, BUCKET),
      clock,
    });
    expect(out.clustersSimulated).toBe(2);
    expect(s3.objects.has(`${out.reportPrefix}report.html`)).toBe(true);
    const stored = (await store.getMeta<Record<string, unknown>>(SIMULATION_LATEST_KEY))!;
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(ITEM_LIMIT);
    expect(stored.storedDetail).toBe('essential');
    expect(stored.simulatedAt).toBe(clock.now().toISOString());
    const hosts = stored.hosts as Record<string, { score: number }>;
    expect(Object.keys(hosts)).toHaveLength(1204);
    expect(hosts['host-1007']!.score).toBe(shards.find((s) => s.hosts['host-1007'])!.hosts['host-1007']!.score);
  });
});
