/**
 * `npx tsx bench/scale.ts [scale] [writtenShards] [--figures FILE] [--from FILE]`: the sharded full audit of a
 * generated fleet of 1,000,000 VMs on 50,000 hosts in 96-host clusters (521 shards) at scale 1; `0.01` for a
 * quick run.
 *
 * The fleet is generated one cluster at a time (`generateClusterFleet`: per-host seeded, the same hosts and VMs
 * the whole-fleet generator gives), evaluated, summarised and dropped, so memory stays that of one shard whatever
 * the scale. Per shard it prints the wall time of generating and evaluating its cluster, the heap it held, the
 * size of the slice a shard Lambda would read and the DynamoDB requests the shard costs (the cluster's Query pages
 * on the cluster index, BatchWriteItem of a first audit's findings); `--figures FILE` appends every shard's
 * figures as JSON lines as they come, and `--from FILE` prints the rest from such a file without re-evaluating.
 * Then it writes the findings of `writtenShards` shards (default 3) into a local dynalite, counting requests by
 * operation, runs `bench/incremental.ts` in a child process for the requests of one changed VM and of one stream
 * batch, and `bench/run-steps.ts` for the run's start step and one shard's PrepareCluster (compaction and replay of
 * its own shard) against dynalite, and from the counts prints the monthly AWS cost of a fleet sending 1,000,000 events a day with one full
 * audit a day, at the dated prices below.
 *
 * What is extrapolated, and said so in the output: finding writes of the shards not written (dynalite writes
 * ~1,000 items/s on this box, so writing 3.5 million findings would take an hour), and AWS wall time from the
 * per-shard time and the Distributed Map's concurrency.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARD_MAP_CONCURRENCY } from '../infra/constructs/shard-map';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CompiledRules } from '../src/engine/compile';
import { computeLifecycle } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import { evaluateFleetLevel, evaluateShard } from '../src/engine/sharded-audit';
import type { RuleHit } from '../src/engine/types';
import { waiverMatcher } from '../src/engine/waivers';
import { fleetToJson } from '../src/model/fleet';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import { generateClusterFleet, generatedClusterCount } from '../test/support/generated-fleet';
import { mkdtempSync, rmSync } from 'node:fs';
import { artifactText } from '../src/store/artifacts/artifact-store';
import { DEFAULT_PROFILE } from '../src/engine/fingerprint';
import { tmpdir } from 'node:os';
import { writeReportFragment } from '../src/app/report-fragments';
import { assembleFindingsCsv, renderFleetReport, type FleetReportFigures } from '../src/app/fleet-report';
import { startLocalS3 } from '../src/server/local-s3';
import { MemoryStore } from '../src/store/memory-store';
import type { Finding } from '../src/model/finding';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const FIGURES_OUT = flag('--figures');
const FIGURES_IN = flag('--from');
const SCALE = Number(args[0] ?? 1);
const WRITTEN_SHARDS = Number(args[1] ?? 3);
const OPTIONS = { hosts: Math.round(50_000 * SCALE), vmsPerHost: 20, hostsPerCluster: 96, seed: 17 };

/**
 * On-demand prices, us-east-1, as published on the AWS pricing pages on 2026-12-01 (DynamoDB's since its
 * 2024-11-01 reduction). Change them here when the pages change.
 */
const PRICES = {
  date: '2026-12-01',
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  lambdaPerGbSecond: 0.0000133334, // Arm (the functions run on ARM64)
  lambdaPerMillionRequests: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  s3PutPerThousand: 0.005,
  s3GetPerThousand: 0.0004,
} as const;
const LAMBDA_LIMITS = { seconds: 15 * 60, memoryMiB: 10_240 };
const GOALS = { shardSeconds: 5 * 60, shardMiB: 2048, runSeconds: 15 * 60, incrementalRequests: 50 };
/** DynamoDB returns at most 1 MB per Query page. */
const PAGE_BYTES = 1024 * 1024;
/**
 * A snapshot item is about 5× the plain JSON of its entity (a stamp per field): bench/incremental reads a 96-host
 * cluster whose plain JSON is 1.04 MiB with ≈ 650 eventually consistent read units, ≈ 5.2 MB.
 */
const STATE_OVER_PLAIN = 5;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (bytes: number) => bytes / 1024 / 1024;
const out = (line: string) => process.stdout.write(`${line}\n`);

function countRequests(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (a) => {
      const name = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(a);
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

interface ShardFigures {
  shard: string;
  hosts: number;
  vms: number;
  genMs: number;
  ms: number;
  heapMiB: number;
  sliceMiB: number;
  hits: number;
  perimeterMembers: Record<string, number>;
  /** The shard's report fragment (report-fragments.ts): CPU to build it, objects and bytes written. */
  report?: { ms: number; puts: number; bytes: number; rows: number };
}

const rules = loadRules(undefined, { profile: 'scg' });
const compiled = new CompiledRules(rules);
const clusters = generatedClusterCount(OPTIONS);
const figures: ShardFigures[] = [];
const kept: RuleHit[] = [];
const rssStart = process.memoryUsage().rss;
let peakRss = rssStart;
const tAll = performance.now();

if (FIGURES_IN !== undefined) {
  for (const line of readFileSync(FIGURES_IN, 'utf8').split('\n'))
    if (line.trim() !== '') figures.push(JSON.parse(line) as ShardFigures);
  out(`shard figures read from ${FIGURES_IN}: ${fmt(figures.length)} of ${fmt(clusters)} shards`);
}
out(
  `fleet: ${fmt(OPTIONS.hosts * OPTIONS.vmsPerHost)} VMs, ${fmt(OPTIONS.hosts)} hosts, ${fmt(clusters)} cluster shards, ${rules.length} rules; ` +
    'generated one cluster at a time',
);
out(
  'shard      hosts     VMs  gen ms  eval ms  heap MiB  slice MiB  findings  Query pages  BatchWrite  report ms  report KiB',
);
const every = Math.max(1, Math.ceil(clusters / 24));
const printShard = (f: ShardFigures, i: number) => {
  if (i % every !== 0 && i !== clusters - 1) return;
  out(
    `${f.shard.padEnd(8)} ${fmt(f.hosts).padStart(7)} ${fmt(f.vms).padStart(7)} ${fmt(f.genMs).padStart(7)} ${fmt(f.ms).padStart(8)} ` +
      `${fmt(f.heapMiB, 1).padStart(9)} ${fmt(f.sliceMiB, 2).padStart(10)} ${fmt(f.hits).padStart(9)} ` +
      `${fmt(Math.ceil((f.sliceMiB * STATE_OVER_PLAIN * 1024 * 1024) / PAGE_BYTES)).padStart(12)} ${fmt(Math.ceil(f.hits / 25)).padStart(11)}` +
      `${fmt(f.report?.ms ?? 0).padStart(11)} ${fmt((f.report?.bytes ?? 0) / 1024).padStart(11)}`,
  );
};
// The shards' report fragments go to a local S3 (objects in files), as AuditCluster writes them to the run bucket.
const RUN_ID = 'bench-scale';
const BUCKET = 'bench';
const auditedAt = new Date().toISOString();
const s3Dir = mkdtempSync(join(tmpdir(), 'bench-scale-s3-'));
const localS3 = await startLocalS3(s3Dir);
const lifecycleOf = (hits: readonly RuleHit[]): Finding[] =>
  computeLifecycle({
    previous: [],
    hits,
    ruleIds: new Set(rules.map((r) => r.id)),
    evaluated: () => true,
    waivers: waiverMatcher([]),
    now: auditedAt,
  }).findings;
if (FIGURES_IN === undefined) {
  for (let c = 0; c < clusters; c++) {
    const heapBefore = process.memoryUsage().heapUsed;
    const tGen = performance.now();
    const slice = generateClusterFleet(OPTIONS, c);
    const genMs = performance.now() - tGen;
    const t = performance.now();
    const evaluation = evaluateShard(compiled, { shard: `c${c}`, ...slice });
    const ms = performance.now() - t;
    const heapMiB = Math.max(0, mib(process.memoryUsage().heapUsed - heapBefore));
    // What a shard Lambda would read: its slice as the work file's JSON.
    const sliceMiB = mib(Buffer.byteLength(JSON.stringify(fleetToJson(slice.fleet))));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const f: ShardFigures = {
      shard: `c${c}`,
      hosts: slice.hostIds.size,
      vms: slice.vmIds.size,
      genMs,
      ms,
      heapMiB,
      sliceMiB,
      hits: evaluation.hits.length,
      perimeterMembers: evaluation.perimeterMembers,
    };
    // The fragment AuditCluster writes after its lifecycle: here a first audit's findings (every hit new).
    const findings = lifecycleOf(evaluation.hits);
    const tReport = process.cpuUsage();
    const written = await writeReportFragment(localS3.client, BUCKET, {
      runId: RUN_ID,
      shard: `c${c}`,
      findings,
      fleet: slice.fleet,
      hostIds: [...slice.hostIds].sort(),
      vmCount: slice.vmIds.size,
      auditedAt,
    });
    const cpu = process.cpuUsage(tReport);
    f.report = { ms: (cpu.user + cpu.system) / 1000, ...written };
    if (c < WRITTEN_SHARDS) kept.push(...evaluation.hits);
    figures.push(f);
    if (FIGURES_OUT !== undefined) appendFileSync(FIGURES_OUT, `${JSON.stringify(f)}\n`);
    printShard(f, c);
  }
  out(`(every ${every}th shard shown)`);
}
const tFleet = performance.now();
const perimeters = generateClusterFleet(OPTIONS, 0).fleet.perimeters;
const fleetLevel = evaluateFleetLevel(compiled, perimeters, figures);
const fleetLevelMs = performance.now() - tFleet;
const totalHits = figures.reduce((n, f) => n + f.hits, 0) + fleetLevel.hits.length;
const sumMs = figures.reduce((n, f) => n + f.ms + f.genMs, 0);
const largest = figures.reduce((a, b) => (b.ms > a.ms ? b : a));
const largestSlice = figures.reduce((a, b) => (b.sliceMiB > a.sliceMiB ? b : a));
const largestHeap = figures.reduce((a, b) => (b.heapMiB > a.heapMiB ? b : a));
const sumPages = figures.reduce((n, f) => n + Math.ceil((f.sliceMiB * STATE_OVER_PLAIN * 1024 * 1024) / PAGE_BYTES), 0);
// A shard Lambda holds Node (~60 MiB), its slice parsed (~4x its JSON) and its evaluation.
const shardMiB = 60 + largestSlice.sliceMiB * 4 + largestHeap.heapMiB;
out(
  `fleet totals: ${fmt(figures.reduce((n, f) => n + f.vms, 0))} VMs, ${fmt(figures.reduce((n, f) => n + f.hosts, 0))} hosts in ${fmt(figures.length)} shards; ` +
    `${fmt(totalHits)} findings (${fmt(fleetLevel.hits.length)} fleet-level); evaluation ${fmt(sumMs / 1000, 1)} s summed over shards ` +
    `+ fleet-level rules ${fmt(fleetLevelMs)} ms; cluster reads ${fmt(sumPages)} Query pages; first-audit writes ${fmt(Math.ceil(totalHits / 25))} BatchWriteItem` +
    (FIGURES_IN === undefined
      ? `; this process: ${fmt((performance.now() - tAll) / 60_000, 1)} min, peak RSS ${fmt(mib(peakRss))} MiB`
      : ''),
);
out(
  `largest shard: ${largest.shard} ${fmt(largest.ms / 1000, 2)} s evaluation + ${fmt(largest.genMs / 1000, 2)} s generation (Lambda limit ${LAMBDA_LIMITS.seconds} s, goal ${GOALS.shardSeconds} s); ` +
    `largest slice ${fmt(largestSlice.sliceMiB, 1)} MiB JSON, largest heap growth ${fmt(largestHeap.heapMiB)} MiB, estimated ${fmt(shardMiB)} MiB in a shard Lambda ` +
    `(limit ${fmt(LAMBDA_LIMITS.memoryMiB)} MiB, goal ${GOALS.shardMiB} MiB): ${largest.ms / 1000 < GOALS.shardSeconds && shardMiB < GOALS.shardMiB ? 'met' : 'NOT met'}`,
);

// --- the finish step's report, assembled from the shards' fragments (fleet-report.ts) ---
interface FinishReportFigures extends FleetReportFigures {
  cpuMs: number;
  /** Of it, reading and merging the summaries and rendering the page (the rest is findings.csv, mostly the local S3). */
  renderCpuMs: number;
  wallMs: number;
  heapMiB: number;
  pageBytes: number;
}
let finishReport: FinishReportFigures | undefined;
if (FIGURES_IN === undefined) {
  const store = new MemoryStore();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rendered = await renderFleetReport(
    { store, s3: localS3.client, bucket: BUCKET },
    {
      runId: RUN_ID,
      shards: figures.map((f) => f.shard),
      perimeterFindings: lifecycleOf(fleetLevel.hits),
      perimeters: perimeters.size,
      profile: DEFAULT_PROFILE,
      auditedAt,
      now: new Date(),
    },
  );
  const renderCpu = process.cpuUsage(cpu0);
  const csv = await assembleFindingsCsv(
    { store, s3: localS3.client, bucket: BUCKET },
    {
      runId: RUN_ID,
      shards: figures.map((f) => f.shard),
      perimeterRows: rendered.perimeterRows,
      key: 'reports/bench/findings.csv',
      latestKey: 'reports/latest/findings.csv',
    },
  );
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  finishReport = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    renderCpuMs: (renderCpu.user + renderCpu.system) / 1000,
    wallMs: performance.now() - t0,
    heapMiB: mib(heapPeak - heapBefore),
    ...rendered.figures,
    ...csv,
    requests: csv.requests + rendered.figures.summaries,
    pageBytes: rendered.rendered.files.reduce((n, f) => n + Buffer.byteLength(artifactText(f)), 0),
  };
}
await localS3.close();
rmSync(s3Dir, { recursive: true, force: true });
const fragments = figures.filter((f) => f.report !== undefined);
const fragmentMs = Math.max(0, ...fragments.map((f) => f.report!.ms));
const fragmentBytes = fragments.reduce((n, f) => n + f.report!.bytes, 0);
if (finishReport !== undefined) {
  const r = finishReport;
  out(
    `report fragments (AuditCluster, after its lifecycle): ${fmt(fragments.length)} shards wrote ${fmt(fragments.length * 2)} objects, ` +
      `${fmt(mib(fragmentBytes), 1)} MiB (${fmt(mib(fragmentBytes / Math.max(1, fragments.length)), 2)} MiB a shard), ` +
      `at most ${fmt(fragmentMs)} ms of CPU a shard to build and write; ` +
      `finish step's report assembly: ${fmt(r.summaries)} summaries (${fmt(mib(r.summaryBytes), 1)} MiB) merged, page and report.json ` +
      `${fmt(mib(r.pageBytes), 1)} MiB, findings.csv ${fmt(r.csvRows)} rows ${fmt(mib(r.csvBytes), 1)} MiB in ${fmt(r.csvParts)} parts ` +
      `(${fmt(r.csvCopiedParts)} copied inside S3, ${fmt(mib(r.csvSentBytes), 1)} MiB read and sent) and its latest copy; ` +
      `${fmt(r.requests)} S3 requests, ${fmt(r.cpuMs / 1000, 2)} s CPU (the local S3 in this process included; ` +
      `reading and merging the summaries and rendering ${fmt(r.renderCpuMs / 1000, 2)} s of it), ` +
      `${fmt(r.wallMs / 1000, 2)} s here, heap +${fmt(r.heapMiB)} MiB`,
  );
}

// --- finding writes against a local DynamoDB ---
let writeRequestsPerFinding = 25 ** -1;
if (kept.length > 0) {
  const server = await startLocalServer({ mode: 'child' });
  const store = await openDynamoStore({ endpoint: server.endpoint });
  const counts = countRequests((store as unknown as { options: { client: DynamoDBClient } }).options.client);
  try {
    const { findings } = computeLifecycle({
      previous: [],
      hits: kept,
      ruleIds: new Set(rules.map((r) => r.id)),
      evaluated: () => true,
      waivers: waiverMatcher([]),
      now: new Date().toISOString(),
    });
    const tWrite = performance.now();
    await store.putFindings(findings);
    const writeMs = performance.now() - tWrite;
    writeRequestsPerFinding = total(counts) / Math.max(1, findings.length);
    out(
      `findings of ${Math.min(WRITTEN_SHARDS, clusters)} shards written: ${fmt(findings.length)} findings, ${byOp(counts)} ` +
        `(${fmt(writeRequestsPerFinding, 3)} requests/finding, ${fmt(writeMs / 1000, 1)} s on dynalite); ` +
        `fleet extrapolated: ${fmt(totalHits * writeRequestsPerFinding)} BatchWriteItem requests for a first audit, 0 for an unchanged one`,
    );
  } finally {
    store.close();
    await server.stop();
  }
}

// --- incremental evaluation: its own bench, in a child process so this one's heap does not count ---
interface IncrementalFigures {
  clusters: number;
  entities: number;
  changedVms: number;
  perVm: number;
  perVmByOp: Record<string, number>;
  batchRequests: number;
  batchReadUnits: number;
  batchWriteUnits: number;
  perVmReadUnits: number;
  perVmWriteUnits: number;
  singleVmRequests: number;
  equalsFullAudit: boolean;
}
let incremental: IncrementalFigures | undefined;
const child = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'incremental.ts'), '--json'],
  { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
);
const lastLine = child.stdout?.trim().split('\n').at(-1);
try {
  incremental = lastLine ? (JSON.parse(lastLine) as IncrementalFigures) : undefined;
} catch {
  incremental = undefined;
}
if (incremental) {
  out(
    `incremental evaluation (bench/incremental, ${fmt(incremental.clusters)} clusters, ${fmt(incremental.entities)} entities, a stream batch changing ${incremental.changedVms} VMs): ` +
      `${fmt(incremental.perVm, 1)} requests per changed VM (${Object.entries(incremental.perVmByOp)
        .map(([k, v]) => `${k} ${fmt(v, 1)}`)
        .join(
          ', ',
        )}), ${fmt(incremental.batchRequests)} per batch, ${fmt(incremental.singleVmRequests)} for a batch of one VM; ` +
      `≈ ${fmt(incremental.perVmReadUnits)} read and ${fmt(incremental.perVmWriteUnits, 1)} write units per changed VM; ` +
      `goal < ${GOALS.incrementalRequests}: ${incremental.perVm < GOALS.incrementalRequests ? 'met' : 'NOT met'}; ` +
      `findings equal a full audit's: ${incremental.equalsFullAudit ? 'yes' : 'NO'}`,
  );
} else
  out(`incremental evaluation: bench/incremental failed (${child.stderr?.trim().split('\n').at(-1) ?? 'no output'})`);

// --- the run's start and PrepareCluster steps against dynalite: their own bench, in a child process ---
interface RunStepFigures {
  start: { ms: number; requests: number; byOp: Record<string, number> };
  finish?: {
    findings: number;
    unchanged: { ms: number; requests: number };
    /** The largest shard's audit with its findings' lifecycle (one Query per resource). */
    shardAudit?: { unchanged: { requests: number } };
  };
  prepare: { ms: number; heapMiB: number; requests: number; byOp: Record<string, number>; vms: number; events: number };
  wholeStart: { ms: number };
  clusters: number;
}
let runSteps: RunStepFigures | undefined;
const stepsChild = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'run-steps.ts'), '3', '8', '--json'],
  { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
);
try {
  const line = stepsChild.stdout?.trim().split('\n').at(-1);
  runSteps = line ? (JSON.parse(line) as RunStepFigures) : undefined;
} catch {
  runSteps = undefined;
}
// On AWS a shard's DynamoDB requests take ~15 ms each (a partition Query of up to 400 days of events included),
// 16 in flight (compactShard's SHARD_REQUESTS_IN_FLIGHT); plus the replay and files, measured here.
const prepareAwsSeconds = runSteps ? (runSteps.prepare.requests * 0.015) / 16 + 2 : 10;
// AuditCluster reads its resources' findings for their lifecycle (one Query each, 16 in flight, ~15 ms on AWS).
const lifecycleAwsSeconds = ((runSteps?.finish?.shardAudit?.unchanged.requests ?? 2_100) * 0.015) / 16;
if (runSteps)
  out(
    `run steps (bench/run-steps on dynalite, ${runSteps.clusters} clusters): start step ${fmt(runSteps.start.ms)} ms, ` +
      `${fmt(runSteps.start.requests)} requests ${JSON.stringify(runSteps.start.byOp)} (reads no entity); ` +
      `PrepareCluster of one ${fmt(runSteps.prepare.vms)}-VM shard (${fmt(runSteps.prepare.events)} events) ${fmt(runSteps.prepare.ms / 1000, 1)} s here, ` +
      `${fmt(runSteps.prepare.requests)} requests ${JSON.stringify(runSteps.prepare.byOp)}, heap +${fmt(runSteps.prepare.heapMiB)} MiB, ` +
      `≈ ${fmt(prepareAwsSeconds, 1)} s on AWS; baseline whole-table start on the same table ${fmt(runSteps.wholeStart.ms / 1000, 1)} s ` +
      `(start / baseline ${fmt(runSteps.start.ms / runSteps.wholeStart.ms, 4)})`,
  );
else out(`run steps: bench/run-steps failed (${stepsChild.stderr?.trim().split('\n').at(-1) ?? 'no output'})`);

// --- AWS wall time and monthly cost ---
const slowest = figures.reduce((a, b) => (b.ms + b.genMs > a.ms + a.genMs ? b : a));
const waves = Math.ceil(figures.length / SHARD_MAP_CONCURRENCY);
// A shard Lambda reads its cluster (Query pages, ~20 ms each) and writes changed findings, besides evaluating.
// Each shard also compacts and replays itself first (PrepareCluster); the start step only lists the shards.
const shardSeconds =
  (slowest.ms + slowest.genMs) / 1000 +
  0.02 * 8 +
  (0.05 * slowest.hits) / 25 / 4 +
  prepareAwsSeconds +
  lifecycleAwsSeconds;
// The finish step's merge commits what the shards staged and builds the compliance view from their current findings
// (docs/scale.md): its daily (unchanged) time measured on dynalite by bench/run-steps, scaled by the fleet's findings
// (the compliance view grows with them; an upper bound for the reads, which grow with the changes). The report's
// rendering is not in it.
const finishSeconds =
  runSteps?.finish !== undefined
    ? (runSteps.finish.unchanged.ms / 1000) * (totalHits / runSteps.finish.findings)
    : undefined;
const mapSeconds = waves * shardSeconds + 5;
const runSeconds = mapSeconds + (finishSeconds ?? 0);
out(
  `daily run on AWS: ${fmt(figures.length)} shards at Map concurrency ${SHARD_MAP_CONCURRENCY} = ${waves} waves of at most ${fmt(shardSeconds, 1)} s ` +
    `(PrepareCluster ${fmt(prepareAwsSeconds, 1)} s of it) + 5 s start ≈ ${fmt(mapSeconds / 60, 1)} min; ` +
    (finishSeconds !== undefined
      ? `finish step's merge ≈ ${fmt(finishSeconds / 60, 1)} min (bench/run-steps' unchanged merge, ${fmt(runSteps!.finish!.unchanged.ms / 1000, 2)} s for ` +
        `${fmt(runSteps!.finish!.findings)} findings, scaled to ${fmt(totalHits)}; the report's assembly below) ` +
        `≈ ${fmt(runSeconds / 60, 1)} min without the report`
      : 'finish step not measured (bench/run-steps failed): goal not judged'),
);

// --- the daily run at 1,000,000 VMs with the report, extrapolated from this run's figures ---
/**
 * S3 from one Lambda, conservative: ~30 ms a request, 100 MB/s through the function each way (the bytes of the parts
 * findings.csv sends), 100 MB/s per part copied inside S3 with 8 parts in flight (s3-concat.ts's PARTS_IN_FLIGHT).
 */
const S3_AWS = { requestSeconds: 0.03, throughBytesPerSecond: 100e6, copyBytesPerSecond: 8 * 100e6 };
if (finishReport !== undefined) {
  const r = finishReport;
  const fullShards = generatedClusterCount({ ...OPTIONS, hosts: 50_000 });
  const toFull = fullShards / figures.length;
  const fullHits = totalHits * toFull;
  // The finish step's report: the summaries read 32 at a time and merged (their CPU measured here, linear in shards),
  // findings.csv's parts (the small shards' rows read and sent, the rest copied inside S3) and the latest copy, at the
  // S3 rates above (the local S3's CPU here is not the function's).
  const reportSeconds =
    Math.ceil((r.summaries * toFull) / 32) * S3_AWS.requestSeconds +
    (r.summaryBytes * toFull) / S3_AWS.throughBytesPerSecond +
    (r.renderCpuMs / 1000) * toFull +
    (2 * r.csvSentBytes * toFull) / S3_AWS.throughBytesPerSecond +
    ((r.csvBytes - r.csvSentBytes) * toFull) / S3_AWS.copyBytesPerSecond +
    (r.csvBytes * toFull) / S3_AWS.copyBytesPerSecond +
    Math.ceil((r.csvParts * toFull) / 8) * S3_AWS.requestSeconds;
  // Each shard also builds and writes its fragment (CPU measured above, two PutObject).
  const fullShardSeconds = shardSeconds + fragmentMs / 1000 + S3_AWS.requestSeconds;
  const fullWaves = Math.ceil(fullShards / SHARD_MAP_CONCURRENCY);
  const fullMap = fullWaves * fullShardSeconds + 5;
  const fullFinish =
    runSteps?.finish !== undefined ? (runSteps.finish.unchanged.ms / 1000) * (fullHits / runSteps.finish.findings) : 0;
  const fullRun = fullMap + fullFinish + reportSeconds;
  out(
    `daily run at 1,000,000 VMs on AWS, with the report (${SCALE === 1 ? 'this run' : `this run's figures × ${fmt(toFull, 1)}`}): ` +
      `${fmt(fullShards)} shards = ${fullWaves} waves of at most ${fmt(fullShardSeconds, 1)} s (the fragment ${fmt(fragmentMs / 1000, 2)} s of it) ` +
      `≈ ${fmt(fullMap / 60, 1)} min; finish step's merge ≈ ${fmt(fullFinish / 60, 1)} min; its report ≈ ${fmt(reportSeconds, 0)} s ` +
      `(${fmt(r.summaries * toFull)} summaries, ${fmt(mib(r.csvBytes * toFull))} MiB of findings.csv, ${fmt(mib(r.csvSentBytes * toFull))} MiB of it through the function) ` +
      `≈ ${fmt(fullRun / 60, 1)} min (goal < 15 min): ${fullRun < GOALS.runSeconds ? 'met' : 'NOT met'}; ` +
      `the report's S3 requests a day ≈ ${fmt(fullShards * 2 + r.requests * toFull)} (shards' PutObject + the assembly's)`,
  );
}
const days = 30;
const eventsPerDay = 1_000_000;
const batchesPerDay = eventsPerDay / 100;
const entities = figures.reduce((n, f) => n + f.vms + f.hosts, 0);
const stateBytes = figures.reduce((n, f) => n + f.sliceMiB * 1024 * 1024 * STATE_OVER_PLAIN, 0);
const tableBytes = stateBytes + eventsPerDay * 400 * 700 + totalHits * 1500; // states + 400 days of events + findings
// Ingest: one consistent BatchGetItem read per event (≤ 4 KB: 1 RRU) and one write (< 1 KB: 1 WRU).
const ingestReadUnits = eventsPerDay * days;
const ingestWriteUnits = eventsPerDay * days;
// Evaluation: every event is a changed VM (the worst case: no two in one batch share a cluster).
const evalReadUnits = (incremental?.perVmReadUnits ?? 0) * eventsPerDay * days;
const evalWriteUnits = (incremental?.perVmWriteUnits ?? 0) * eventsPerDay * days;
// Daily full run: compaction's consistent Scan (1 RRU per 4 KB) and the shards' cluster Queries (0.5 RRU per 4 KB),
// ~5 % of findings changing a day, snapshot writes for the entities that changed (as many as events, at most).
// Plus each shard's lifecycle reads: one consistent Query per resource (at least 1 RRU), its findings about 1.5 KB each.
const lifecycleReadUnits = (entities + (totalHits * 1500) / 4096) * days;
const runReadUnits = (tableBytes / 4096 + stateBytes / 8192) * days + lifecycleReadUnits;
const runWriteUnits = (totalHits * 0.05 * 2 + Math.min(eventsPerDay, entities) * 3) * days;
const dynamoRead = ((ingestReadUnits + evalReadUnits + runReadUnits) / 1e6) * PRICES.dynamoReadPerMillion;
const dynamoWrite = ((ingestWriteUnits + evalWriteUnits + runWriteUnits) / 1e6) * PRICES.dynamoWritePerMillion;
const dynamoStorage = (tableBytes / 1e9) * PRICES.dynamoStoragePerGbMonth * 1.5; // + the cluster index's copy
const lambdaGbSeconds = (sumMs / 1000) * 2 * days + batchesPerDay * days * 3 * 1 + eventsPerDay * days * 0.05 * 0.5;
const lambda =
  lambdaGbSeconds * PRICES.lambdaPerGbSecond +
  (((batchesPerDay * 2 + eventsPerDay / 10) * days + figures.length * days) / 1e6) * PRICES.lambdaPerMillionRequests;
const sfn = ((figures.length * 4 + 20) * days * PRICES.stepFunctionsPerThousandTransitions) / 1000;
// Run files: three written and read per shard, plus the report's fragments (two PutObject a shard) and the finish
// step's assembly (a GET per summary, the multipart requests of findings.csv and its latest copy).
const reportRequests = finishReport !== undefined ? finishReport.requests : 0;
const s3 =
  (((figures.length * 3 + figures.length * 2 + reportRequests) * days) / 1000) * PRICES.s3PutPerThousand +
  ((figures.length * 3 * days) / 1000) * PRICES.s3GetPerThousand;
const totalCost = dynamoRead + dynamoWrite + dynamoStorage + lambda + sfn + s3;
out(
  `monthly AWS cost at on-demand prices of ${PRICES.date} (us-east-1), ${fmt(eventsPerDay)} events/day, one full audit/day: ` +
    `DynamoDB reads $${fmt(dynamoRead, 2)} (of which incremental evaluation $${fmt((evalReadUnits / 1e6) * PRICES.dynamoReadPerMillion, 2)}, ` +
    `the shards' lifecycle reads $${fmt((lifecycleReadUnits / 1e6) * PRICES.dynamoReadPerMillion, 2)}), ` +
    `writes $${fmt(dynamoWrite, 2)}, storage $${fmt(dynamoStorage, 2)} (${fmt(tableBytes / 1e9, 1)} GB); Lambda $${fmt(lambda, 2)}; ` +
    `Step Functions $${fmt(sfn, 2)}; S3 $${fmt(s3, 2)}; total $${fmt(totalCost, 2)}`,
);
