/**
 * `npx tsx bench/run-steps.ts [clusters] [eventsPerVm] [--json]`: the daily run's start step, one shard's
 * PrepareCluster step (compaction, replay, work and slice files), every shard's AuditCluster and the finish step's
 * merge (`finishShardedAudit`, first audit and unchanged rerun), before (the finish step runs the findings' lifecycle
 * on every finding) and after (the shards run it and stage the changes), against a local dynalite and a local S3, on
 * `clusters` generated 96-host, 1,920-VM clusters (default 3) whose VMs carry `eventsPerVm` power events each
 * (default 8) besides their upsert. Prints per step the wall time, the CPU (this process and dynalite), the heap it
 * grew by and the DynamoDB requests by operation, then, as its baseline in the same run, the whole-table start step (compact + replay + split) on the
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
import { readClusterList, RUN_FILE_LIMITS } from '../src/model/run-files';
import { getJson } from '../src/store/s3-json';
import { auditStep } from '../src/app/start-run';
import type { FleetEvent } from '../src/model/event';
import { startLocalS3 } from '../src/server/local-s3';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import type { DynamoStore } from '../src/store/dynamo-store';
import { unverifiedGroupOf } from '../src/store/unverified-pages';
import { profileOf } from '../src/engine/fingerprint';
import { fleetEvents, generateClusterFleet } from '../test/support/generated-fleet';
import { processCpuSeconds } from './lib/process-cpu';

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

interface CpuFigures {
  /** User + system CPU seconds of this process, and of the dynalite child, over the step. */
  cpuS: number;
  storeCpuS?: number;
}

type Measured = { value: unknown } & StepFigures & CpuFigures;
const figuresOf = ({ value: _, ...f }: Measured) => f;
const step = (f: StepFigures & CpuFigures) =>
  `${fmt(f.ms / 1000, 2)} s wall, CPU ${fmt(f.cpuS, 2)} s + store ${f.storeCpuS === undefined ? '?' : fmt(f.storeCpuS, 2)} s, ` +
  `${fmt(f.requests)} requests ${JSON.stringify(f.byOp)}, heap +${fmt(f.heapMiB)} MiB`;

/** Deletes every finding item and empties every unverified page set, so the next audit is the table's first again. */
async function removeFindings(store: DynamoStore): Promise<void> {
  const all = await store.listFindings();
  await store.deleteFindings(all.filter((f) => f.status !== 'unverified'));
  const sets = new Map<string, [string, string, string]>();
  for (const f of all)
    if (f.status === 'unverified') {
      const group = unverifiedGroupOf(f);
      sets.set(`${profileOf(f)}\u0000${group}\u0000${f.ruleId}`, [profileOf(f), group, f.ruleId]);
    }
  for (const [profile, group, ruleId] of sets.values()) await store.replaceUnverified(profile, group, ruleId, []);
}

async function measure<T>(
  counts: Map<string, number>,
  run: () => Promise<T>,
): Promise<{ value: T } & StepFigures & CpuFigures> {
  counts.clear();
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const storeCpu = processCpuSeconds(server.pid);
  const t = performance.now();
  const value = await run();
  const used = process.cpuUsage(cpu);
  const storeCpuAfter = processCpuSeconds(server.pid);
  return {
    value,
    ms: performance.now() - t,
    cpuS: (used.user + used.system) / 1e6,
    ...(storeCpu !== undefined && storeCpuAfter !== undefined && { storeCpuS: storeCpuAfter - storeCpu }),
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
  // The rest of the Map (every other shard prepared and simulated), unmeasured. Then the finish step, measured twice
  // each way on the same shards: before, the finish step runs the findings' lifecycle on every stored finding (the
  // shards audit without the table); after, each shard runs it on its own resources' findings and stages the changes,
  // and the finish step commits them. Each way: the first audit of the table (every finding new), then the daily run
  // after it with nothing changed. Between the two ways the table's findings are removed (unmeasured).
  const daily = {
    runId: 'bench-daily',
    window: start.value.window,
    auditedAt: start.value.auditedAt,
    profile: start.value.profile,
  };
  const items = readClusterList(
    await getJson(s3.client, bucket, start.value.clustersKey, RUN_FILE_LIMITS.clusterList),
    start.value.clustersKey,
  );
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
  }
  const finishDeps = { store, s3: s3.client, bucket, rules };
  const finish = () => finishShardedAudit(daily, finishDeps);
  /** Every shard audited (the Map's last task), measured one by one; with `staged`, each runs its lifecycle. */
  const auditShards = async (staged: boolean) => {
    const shards: Measured[] = [];
    for (const item of items)
      shards.push(
        await measure(counts, () =>
          auditShard(
            { runId: daily.runId, clusterId: item.clusterId, profile: daily.profile },
            { s3: s3.client, bucket, rules: compiled, ...(staged && { store }) },
          ),
        ),
      );
    return shards;
  };
  const shardsBefore = await auditShards(false);
  const beforeFirst = await measure(counts, finish);
  const beforeAgain = await measure(counts, finish);
  await removeFindings(store);
  const shardsFirst = await auditShards(true);
  const finishFirst = await measure(counts, finish);
  const shardsAgain = await auditShards(true);
  const finishAgain = await measure(counts, finish);
  const largest = (list: Measured[]) => list.reduce((a, b) => (b.requests > a.requests ? b : a));
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
      first: figuresOf(finishFirst),
      unchanged: figuresOf(finishAgain),
      before: { first: figuresOf(beforeFirst), unchanged: figuresOf(beforeAgain) },
      shardAudit: {
        before: figuresOf(largest(shardsBefore)),
        first: figuresOf(largest(shardsFirst)),
        unchanged: figuresOf(largest(shardsAgain)),
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
  for (const [label, shards, f, before] of [
    ['first audit of the table', shardsFirst, finishFirst, beforeFirst],
    ['daily run, nothing changed', shardsAgain, finishAgain, beforeAgain],
  ] as const) {
    const big = largest(shards);
    const plain = shardsBefore[shards.indexOf(big)]!;
    say(
      `${label}: finish step of ${items.length} shard audits (${fmt(currentFindings(f.value))} current findings) ` +
        `before (lifecycle on every finding): ${step(before)}; ` +
        `after (shards stage, finish commits): ${step(f)}; ` +
        `largest shard audit with its lifecycle: ${step(big)} (the same shard without: ${step(plain)})`,
    );
  }
  if (JSON_OUT) process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  store.close();
  await s3.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
