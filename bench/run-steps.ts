/**
 * `npx tsx bench/run-steps.ts [clusters] [eventsPerVm] [--json]`: the daily run's start step, one shard's
 * PrepareCluster step (compaction, replay, work and slice files) and the finish step's merge of every shard's audit
 * (`finishShardedAudit`, first audit and unchanged rerun) against a local dynalite and a local S3, on
 * `clusters` generated 96-host, 1,920-VM clusters (default 3) whose VMs carry `eventsPerVm` power events each
 * (default 8) besides their upsert. Prints per step the wall time, the heap it grew by and the DynamoDB requests by
 * operation, then, as its baseline in the same run, the whole-table start step (compact + replay + split) on the
 * same table, as a ratio. `bench/scale.ts` runs it in a child process; `--json` prints its figures as the last line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fixedClock } from '../src/model/ports/clock';
import { quietLogger } from '../src/model/ports/logger';
import { auditShard } from '../src/app/audit-shard';
import { finishShardedAudit } from '../src/app/finish-sharded-audit';
import { prepareShard } from '../src/app/prepare-shard';
import { simulateShard } from '../src/app/simulate-shard';
import { CompiledRules } from '../src/engine/compile';
import { loadRules } from '../src/engine/load-rules';
import { readClusterList } from '../src/model/run-files';
import { getJson } from '../src/store/s3-json';
import { auditStep } from '../src/app/start-run';
import type { FleetEvent } from '../src/model/event';
import { startLocalS3 } from '../src/server/local-s3';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import { fleetEvents, generateClusterFleet } from '../test/support/generated-fleet';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const CLUSTERS = Number(positional[0] ?? 3);
const EVENTS_PER_VM = Number(positional[1] ?? 8);
const OPTIONS = { hosts: 96 * CLUSTERS, vmsPerHost: 20, hostsPerCluster: 96, seed: 17 };

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (bytes: number) => bytes / 1024 / 1024;
const say = (line: string) => {
  if (!JSON_OUT) process.stdout.write(`${line}\n`);
};

function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (a) => {
      const name = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(a);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return counts;
}
const byOp = (counts: Map<string, number>) =>
  Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).filter(([, n]) => n > 0));
/** Open, unverified and waived findings the run's summary counts (the finish step no longer lists them). */
const currentFindings = (r: { summary: { findings: Record<string, number>; unverified: Record<string, number> } }) =>
  [r.summary.findings, r.summary.unverified].flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

interface StepFigures {
  ms: number;
  heapMiB: number;
  requests: number;
  byOp: Record<string, number>;
}

async function measure<T>(counts: Map<string, number>, run: () => Promise<T>): Promise<{ value: T } & StepFigures> {
  counts.clear();
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const t = performance.now();
  const value = await run();
  return {
    value,
    ms: performance.now() - t,
    heapMiB: Math.max(0, mib(process.memoryUsage().heapUsed - heap)),
    requests: total(counts),
    byOp: byOp(counts),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-run-steps-'));
const server = await startLocalServer({ mode: 'child' });
const s3 = await startLocalS3(join(dir, 's3'));
const store = await openDynamoStore({ endpoint: server.endpoint });
const counts = countRequests((store as unknown as { options: { client: DynamoDBClient } }).options.client);
const bucket = 'bench-runs';
const rules = loadRules();
try {
  let entities = 0;
  let events = 0;
  for (let c = 0; c < CLUSTERS; c++) {
    const { fleet } = generateClusterFleet(OPTIONS, c);
    const list: FleetEvent[] = fleetEvents(fleet);
    for (const vm of fleet.vms.values())
      for (let k = 0; k < EVENTS_PER_VM; k++)
        list.push({
          id: `p-${vm.id}-${k}`,
          time: new Date(Date.parse('2026-11-20T12:00:00.000Z') + (k + 1) * 3_600_000).toISOString(),
          type: k % 2 === 0 ? 'vm.power_off' : 'vm.power_on',
          vm: { id: vm.id },
        } as FleetEvent);
    for (let i = 0; i < list.length; i += 500) await store.putEvents(list.slice(i, i + 500));
    entities += fleet.hosts.size + fleet.vms.size;
    events += list.length;
  }
  say(`run steps on dynalite: ${CLUSTERS} clusters, ${fmt(entities)} entities, ${fmt(events)} events`);
  const now = new Date('2026-11-21T06:00:00.000Z');
  const input = (runId: string) => ({ runId, trigger: 'schedule' as const, scope: { kind: 'fleet' } });
  const deps = {
    store,
    s3: s3.client,
    bucket,
    clock: fixedClock(now),
    logger: quietLogger,
    shardsPrepareThemselves: true,
  };

  // The first run on a table compacts it whole (index and registry); the figures below are of the runs after it.
  const first = await measure(counts, () => auditStep(input('bench-first'), deps));
  const start = await measure(counts, () => auditStep(input('bench-daily'), deps));
  const shard = 'c0';
  const prepare = await measure(counts, () =>
    prepareShard(
      { runId: 'bench-daily', clusterId: shard, window: start.value.window, auditedAt: start.value.auditedAt },
      { store, s3: s3.client, bucket, logger: quietLogger },
    ),
  );
  // Baseline: the whole-table start step (compaction, replay of every event, every shard's files).
  const whole = await measure(counts, () =>
    auditStep(input('bench-whole'), { ...deps, shardsPrepareThemselves: false }),
  );
  // The rest of the Map (every other shard prepared, every shard simulated and audited), unmeasured, then the
  // finish step's merge of the shard audits twice: the first audit of the table (every finding new) and the daily
  // run after it (the same parts again: nothing changed, nothing written).
  const daily = { runId: 'bench-daily', window: start.value.window, auditedAt: start.value.auditedAt };
  const items = readClusterList(await getJson(s3.client, bucket, start.value.clustersKey), start.value.clustersKey);
  const compiled = new CompiledRules(rules);
  for (const item of items) {
    const prepared =
      item.clusterId === shard
        ? prepare.value
        : await prepareShard(
            { ...daily, clusterId: item.clusterId },
            { store, s3: s3.client, bucket, logger: quietLogger },
          );
    if (prepared.simulate)
      await simulateShard({ runId: daily.runId, clusterId: item.clusterId }, { s3: s3.client, bucket });
    await auditShard({ runId: daily.runId, clusterId: item.clusterId }, { s3: s3.client, bucket, rules: compiled });
  }
  const finishDeps = { store, s3: s3.client, bucket, rules };
  const finishFirst = await measure(counts, () => finishShardedAudit(daily.runId, daily.auditedAt, finishDeps));
  const finishAgain = await measure(counts, () => finishShardedAudit(daily.runId, daily.auditedAt, finishDeps));
  const figures = {
    clusters: CLUSTERS,
    entities,
    events,
    firstRun: { ms: first.ms, requests: first.requests },
    start: { ms: start.ms, heapMiB: start.heapMiB, requests: start.requests, byOp: start.byOp },
    prepare: {
      ms: prepare.ms,
      heapMiB: prepare.heapMiB,
      requests: prepare.requests,
      byOp: prepare.byOp,
      hosts: prepare.value.hosts,
      vms: prepare.value.vms,
      events: prepare.value.events,
      snapshotsWritten: prepare.value.compaction.snapshotsWritten,
    },
    wholeStart: { ms: whole.ms, heapMiB: whole.heapMiB, requests: whole.requests, byOp: whole.byOp },
    finish: {
      shards: items.length,
      findings: currentFindings(finishFirst.value),
      first: {
        ms: finishFirst.ms,
        heapMiB: finishFirst.heapMiB,
        requests: finishFirst.requests,
        byOp: finishFirst.byOp,
      },
      unchanged: {
        ms: finishAgain.ms,
        heapMiB: finishAgain.heapMiB,
        requests: finishAgain.requests,
        byOp: finishAgain.byOp,
      },
    },
  };
  say(
    `first run (whole-table compaction builds the index and registry): ${fmt(first.ms / 1000, 1)} s, ${fmt(first.requests)} requests`,
  );
  say(
    `start step: ${fmt(start.ms)} ms, ${fmt(start.requests)} requests ${JSON.stringify(start.byOp)}, heap +${fmt(start.heapMiB)} MiB (reads no entity)`,
  );
  say(
    `PrepareCluster ${shard} (${fmt(prepare.value.hosts)} hosts, ${fmt(prepare.value.vms)} VMs, ${fmt(prepare.value.events)} events): ` +
      `${fmt(prepare.ms / 1000, 2)} s, ${fmt(prepare.requests)} requests ${JSON.stringify(prepare.byOp)}, heap +${fmt(prepare.heapMiB)} MiB, ` +
      `${fmt(prepare.value.compaction.snapshotsWritten)} snapshots written`,
  );
  say(
    `baseline, whole-table start step on the same ${CLUSTERS} clusters: ${fmt(whole.ms / 1000, 2)} s, ${fmt(whole.requests)} requests ` +
      `${JSON.stringify(whole.byOp)}; new start step / baseline = ${fmt(start.ms / whole.ms, 4)}, ` +
      `one shard's PrepareCluster / baseline = ${fmt(prepare.ms / whole.ms, 3)} (the baseline grows with the fleet, these two do not)`,
  );
  for (const [label, f] of [
    ['first audit of the table', finishFirst],
    ['daily run, nothing changed', finishAgain],
  ] as const)
    say(
      `finish step's merge of ${items.length} shard audits (${fmt(currentFindings(finishFirst.value))} current findings), ${label}: ` +
        `${fmt(f.ms / 1000, 2)} s, ${fmt(f.requests)} requests ${JSON.stringify(f.byOp)}, heap +${fmt(f.heapMiB)} MiB`,
    );
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  store.close();
  await s3.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
