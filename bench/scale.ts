/**
 * `npx tsx bench/scale.ts [scale] [writtenShards]`: the sharded full audit of a generated fleet of
 * 1,000,000 VMs on 50,000 hosts in 96-host clusters (521 shards) at scale 1; `0.01` for a quick run.
 *
 * Per shard it prints the wall time of slicing and evaluating its cluster, the heap it held and the size of the
 * slice a shard Lambda would read; the largest shard against the Lambda limits; then it writes the findings of
 * `writtenShards` shards (default 3) into a local dynalite, counting DynamoDB requests by operation, and measures
 * one incremental evaluation of a changed VM on that store. From the request counts it prints the monthly AWS
 * cost of a fleet sending 1,000,000 events a day with one full audit a day, at the dated prices below.
 *
 * What is extrapolated, and said so in the output: finding writes per shard (dynalite writes ~1,000 items/s on
 * this box, so writing 3.5 million findings would take an hour), and AWS wall time from the per-shard time and
 * the Distributed Map's concurrency.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runAudit } from '../src/app/audit';
import { CompiledRules } from '../src/engine/compile';
import { computeLifecycle } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import {
  auditShards,
  evaluateFleetLevel,
  evaluateShard,
  fleetSlice,
  type ShardEvaluation,
} from '../src/engine/sharded-audit';
import { waiverMatcher } from '../src/engine/waivers';
import { fleetToJson } from '../src/model/fleet';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import { fleetEvents, generateFleet } from '../test/support/generated-fleet';

const SCALE = Number(process.argv[2] ?? 1);
const WRITTEN_SHARDS = Number(process.argv[3] ?? 3);
const HOSTS = Math.round(50_000 * SCALE);
const VMS_PER_HOST = 20;
const HOSTS_PER_CLUSTER = 96;

/**
 * On-demand prices, us-east-1, as published on the AWS pricing pages on 2026-12-01 (DynamoDB's since its
 * 2024-11-01 reduction). Change them here when the pages change.
 */
const PRICES = {
  date: '2026-12-01',
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
} as const;
const LAMBDA_LIMITS = { seconds: 15 * 60, memoryMiB: 10_240 };
const GOALS = { shardSeconds: 5 * 60, shardMiB: 2048, runSeconds: 15 * 60, incrementalRequests: 50 };
const MAP_CONCURRENCY = 20;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (bytes: number) => bytes / 1024 / 1024;

function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counts;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const byOp = (m: Map<string, number>) =>
  [...m.entries()]
    .sort()
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');

// --- generate ---
const tGen = performance.now();
const fleet = generateFleet({ hosts: HOSTS, vmsPerHost: VMS_PER_HOST, hostsPerCluster: HOSTS_PER_CLUSTER, seed: 17 });
const rules = loadRules(undefined, { profile: 'scg' });
const compiled = new CompiledRules(rules);
const shards = auditShards(fleet);
process.stdout.write(
  `fleet: ${fmt(fleet.vms.size)} VMs, ${fmt(fleet.hosts.size)} hosts, ${fmt(shards.length)} cluster shards, ${rules.length} rules ` +
    `(generated in ${fmt((performance.now() - tGen) / 1000, 1)} s)\n`,
);

// --- shard by shard ---
interface ShardFigures {
  shard: string;
  ms: number;
  heapMiB: number;
  sliceMiB: number;
  hits: number;
  evaluation: ShardEvaluation;
}
const figures: ShardFigures[] = [];
const rssStart = process.memoryUsage().rss;
let peakRss = rssStart;
for (const shard of shards) {
  const heapBefore = process.memoryUsage().heapUsed;
  const t = performance.now();
  const slice = fleetSlice(fleet, shard);
  const evaluation = evaluateShard(compiled, slice);
  const ms = performance.now() - t;
  const heapMiB = Math.max(0, mib(process.memoryUsage().heapUsed - heapBefore));
  // What a shard Lambda would read from S3: its slice as the work file's JSON.
  const sliceMiB = mib(Buffer.byteLength(JSON.stringify(fleetToJson(slice.fleet))));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  figures.push({ shard, ms, heapMiB, sliceMiB, hits: evaluation.hits.length, evaluation });
}
const tFleet = performance.now();
const fleetLevel = evaluateFleetLevel(
  compiled,
  fleet.perimeters,
  figures.map((f) => f.evaluation),
);
const fleetLevelMs = performance.now() - tFleet;
const shown = SCALE >= 0.1 ? figures.filter((_, i) => i % Math.ceil(figures.length / 12) === 0) : figures;
process.stdout.write('shard           ms    heap MiB  slice MiB   findings\n');
for (const f of shown)
  process.stdout.write(
    `${f.shard.padEnd(12)} ${fmt(f.ms).padStart(6)} ${fmt(f.heapMiB, 1).padStart(10)} ${fmt(f.sliceMiB, 2).padStart(10)} ${fmt(f.hits).padStart(10)}\n`,
  );
if (shown.length < figures.length) process.stdout.write(`(every ${Math.ceil(figures.length / 12)}th shard shown)\n`);
const totalHits = figures.reduce((n, f) => n + f.hits, 0) + fleetLevel.hits.length;
const sumMs = figures.reduce((n, f) => n + f.ms, 0);
const largest = figures.reduce((a, b) => (b.ms > a.ms ? b : a));
const largestSlice = figures.reduce((a, b) => (b.sliceMiB > a.sliceMiB ? b : a));
// A shard Lambda holds Node (~60 MiB), its slice parsed (~4x its JSON) and its evaluation.
const shardMiB = 60 + largestSlice.sliceMiB * 4 + largest.heapMiB;
process.stdout.write(
  `fleet totals: ${fmt(totalHits)} findings; evaluation ${fmt(sumMs / 1000, 1)} s summed over shards + fleet-level rules ${fmt(fleetLevelMs)} ms; ` +
    `peak RSS of this process ${fmt(mib(peakRss))} MiB\n`,
);
process.stdout.write(
  `largest shard: ${largest.shard} ${fmt(largest.ms / 1000, 2)} s (Lambda limit ${LAMBDA_LIMITS.seconds} s, goal ${GOALS.shardSeconds} s); ` +
    `largest slice ${fmt(largestSlice.sliceMiB, 1)} MiB JSON, estimated ${fmt(shardMiB)} MiB in a shard Lambda (limit ${fmt(LAMBDA_LIMITS.memoryMiB)} MiB, goal ${GOALS.shardMiB} MiB)\n`,
);

// --- writes and an incremental evaluation against a local DynamoDB ---
const server = await startLocalServer({ mode: 'child' });
const store = await openDynamoStore({ endpoint: server.endpoint });
const counts = countRequests((store as unknown as { options: { client: DynamoDBClient } }).options.client);
let writeRequestsPerFinding = 0;
let incrementalRequests = 0;
let incrementalOps = '';
let entityBytes = 0;
try {
  const written = figures.slice(0, Math.max(1, WRITTEN_SHARDS));
  const hits = written.flatMap((f) => f.evaluation.hits);
  const { findings } = computeLifecycle({
    previous: [],
    hits,
    ruleIds: new Set(rules.map((r) => r.id)),
    evaluated: () => true,
    waivers: waiverMatcher([]),
    now: new Date().toISOString(),
  });
  const tWrite = performance.now();
  await store.putFindings(findings);
  const writeMs = performance.now() - tWrite;
  writeRequestsPerFinding = total(counts) / Math.max(1, findings.length);
  process.stdout.write(
    `findings of ${written.length} shards written: ${fmt(findings.length)} findings, ${byOp(counts)} ` +
      `(${fmt(writeRequestsPerFinding, 3)} requests/finding, ${fmt(writeMs / 1000, 1)} s on dynalite); ` +
      `fleet extrapolated: ${fmt(totalHits * writeRequestsPerFinding)} BatchWriteItem requests for a first audit, 0 for an unchanged one\n`,
  );

  // One changed VM on a store holding the written shards' fleet: what the stream-triggered evaluation reads.
  const sub = { ...fleet, hosts: new Map(), vms: new Map() } as typeof fleet;
  for (const f of written) {
    const slice = fleetSlice(fleet, f.shard).fleet;
    for (const [id, h] of slice.hosts) sub.hosts.set(id, h);
    for (const [id, v] of slice.vms) sub.vms.set(id, v);
  }
  const events = fleetEvents(sub);
  entityBytes = events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0) / events.length;
  for (let i = 0; i < events.length; i += 400) await store.putEvents(events.slice(i, i + 400));
  const changed = [...sub.vms.keys()][0]!;
  counts.clear();
  await runAudit(store, { rules, scope: [{ kind: 'vm', id: changed }] });
  incrementalRequests = total(counts);
  incrementalOps = byOp(counts);
  process.stdout.write(
    `incremental evaluation of 1 changed VM on a table of ${fmt(events.length)} entities: ${fmt(incrementalRequests)} requests (${incrementalOps})\n`,
  );
} finally {
  store.close();
  await server.stop();
}

// --- AWS wall time and monthly cost ---
const waves = Math.ceil(shards.length / MAP_CONCURRENCY);
const runSeconds = waves * (largest.ms / 1000) + 60; // + start and finish steps (measured separately in bench/audit)
process.stdout.write(
  `daily run on AWS: ${fmt(shards.length)} shards at Map concurrency ${MAP_CONCURRENCY} = ${waves} waves of at most ${fmt(largest.ms / 1000, 1)} s ` +
    `≈ ${fmt(runSeconds / 60, 1)} min of evaluation wall time (goal < 15 min; compaction and replay not included)\n`,
);
const days = 30;
const eventsPerDay = 1_000_000;
// Ingest: the duplicate check reads each key (consistent: 1 RRU) and each new event is one write of under 1 KB.
const ingestReads = eventsPerDay * days;
const ingestWrites = eventsPerDay * days;
// Stream-triggered evaluation, batches of 100 records: today each one reads the whole table (eventually consistent
// Scan: 1 RRU per 8 KB), so its cost grows with the fleet, not with the change.
const tableBytes = (fleet.hosts.size + fleet.vms.size) * entityBytes + totalHits * 1500;
const evaluationReads = (eventsPerDay / 100) * days * (tableBytes / 8192);
// Scan pages hold at most 1 MB: the same evaluation on the whole fleet's table.
const scans = incrementalOps.match(/ScanCommand (\d+)/)?.[1];
const incrementalAtFleet = incrementalRequests - Number(scans ?? 0) + Math.ceil(tableBytes / 1_000_000);
process.stdout.write(
  `incremental evaluation of 1 changed VM on the whole fleet's table (${fmt(tableBytes / 1e9, 2)} GB), extrapolated: ${fmt(incrementalAtFleet)} requests; ` +
    `goal < ${GOALS.incrementalRequests}: ${incrementalAtFleet < GOALS.incrementalRequests ? 'met' : 'NOT met (the evaluation still reads the fleet with a Scan)'}\n`,
);
const auditWrites = totalHits * 0.05 * days; // ~5% of findings change a day (status, evidence)
const dynamo =
  ((ingestWrites + auditWrites) / 1e6) * PRICES.dynamoWritePerMillion +
  ((ingestReads + evaluationReads) / 1e6) * PRICES.dynamoReadPerMillion;
const lambdaGbSeconds = (sumMs / 1000) * 1.0 * days + (eventsPerDay / 100) * days * 2 * 1.0;
const lambda =
  lambdaGbSeconds * PRICES.lambdaPerGbSecond +
  (((eventsPerDay / 100) * days + shards.length * days) / 1e6) * PRICES.lambdaPerMillionRequests;
const sfn = ((shards.length * 3 + 20) * days * PRICES.stepFunctionsPerThousandTransitions) / 1000;
const s3 =
  ((shards.length * 3 * days) / 1000) * PRICES.s3PutPerThousand +
  ((shards.length * 3 * days) / 1000) * PRICES.s3GetPerThousand;
process.stdout.write(
  `monthly AWS cost at on-demand prices of ${PRICES.date} (us-east-1), ${fmt(eventsPerDay)} events/day, one full audit/day: ` +
    `DynamoDB $${fmt(dynamo, 2)}, Lambda $${fmt(lambda, 2)}, Step Functions $${fmt(sfn, 2)}, S3 $${fmt(s3, 2)}; total $${fmt(dynamo + lambda + sfn + s3, 2)}\n`,
);
process.stdout.write(
  `  (of which stream-triggered evaluations reading the table: $${fmt((evaluationReads / 1e6) * PRICES.dynamoReadPerMillion, 2)}; ` +
    `table ≈ ${fmt(tableBytes / 1e9, 2)} GB; it falls to cents once an evaluation reads only its cluster)\n`,
);
