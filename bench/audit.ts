/**
 * `npx tsx bench/audit.ts [hosts] [vmsPerHost]`: full audit of a generated fleet (default 5,000 hosts,
 * 100,000 VMs) with the compiled evaluator, against json-rules-engine measured in the same run on a sample and
 * extrapolated: as its documentation suggests for many resource types (one Engine per resource type holding that
 * type's rules, facts as almanac facts, `await engine.run()` per resource), which is the ratio the README quotes,
 * and the naive loop with every rule in one Engine. Then the same fleet ingested into a local dynalite and audited
 * twice through the store, printing the split (read, evaluate, lifecycle, write); `BENCH_AUDIT_STORED=0` skips it.
 * `BENCH_AUDIT_COMPACT=1` compacts the table after the ingest, as the daily run's first step does: every entity then
 * has a snapshot item (`s`, and `z` for the cluster index) beside its event, as a deployed table has.
 */
import { systemClock } from '../src/model/ports/clock';
import { CompiledRules } from '../src/engine/compile';
import { indexFleet, contextsOf, type ResourceContext } from '../src/engine/fleet-index';
import { computeLifecycle } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import { ReferenceRules } from '../test/support/reference-engine';
import { waiverMatcher } from '../src/engine/waivers';
import { fleetEvents, generateFleet } from '../test/support/generated-fleet';
import { runAudit, type AuditTimings } from '../src/app/audit';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import type { ResourceType } from '../src/model/finding';
import { processCpuSeconds } from './lib/process-cpu';

const HOSTS = Number(process.argv[2] ?? 5000);
const VMS_PER_HOST = Number(process.argv[3] ?? 20);
const SAMPLE = 5000;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const t0 = performance.now();
const fleet = generateFleet({ hosts: HOSTS, vmsPerHost: VMS_PER_HOST });
const rules = loadRules(undefined, { profile: 'scg' });
const genMs = performance.now() - t0;
const resources = fleet.hosts.size + fleet.vms.size;
process.stdout.write(
  `fleet: ${fmt(fleet.hosts.size)} hosts, ${fmt(fleet.vms.size)} VMs, ${rules.length} rules (generated in ${fmt(genMs)} ms)\n`,
);

// --- compiled: full audit = index + compile + evaluate + lifecycle ---
const tFull = performance.now();
const index = indexFleet(fleet, undefined);
const compiled = new CompiledRules(rules);
const evaluation = compiled.evaluate(index);
const tEval = performance.now();
const life = computeLifecycle({
  previous: [],
  hits: evaluation.hits,
  ruleIds: new Set(rules.map((r) => r.id)),
  evaluated: () => true,
  waivers: waiverMatcher([]),
  now: new Date().toISOString(),
});
const fullMs = performance.now() - tFull;
const evalMs = tEval - tFull;
const findings = life.findings.length;
process.stdout.write(
  `compiled full audit: ${fmt(fullMs)} ms (evaluate ${fmt(evalMs)} ms, lifecycle ${fmt(fullMs - evalMs)} ms), ${fmt(findings)} findings, ` +
    `${fmt(resources / (evalMs / 1000))} resources/s, ${fmt(findings / (fullMs / 1000))} findings/s\n`,
);

// --- naive json-rules-engine loop on an evenly spaced sample, extrapolated ---
const reference = new ReferenceRules(rules);
const all: ResourceContext[] = (['host', 'vm'] as ResourceType[]).flatMap((t) => contextsOf(index, t));
const step = Math.max(1, Math.floor(all.length / SAMPLE));
const sample = all.filter((_, i) => i % step === 0).slice(0, SAMPLE);
const tNaive = performance.now();
let naiveHits = 0;
for (const ctx of sample) naiveHits += (await reference.run(ctx)).length;
const naiveMs = performance.now() - tNaive;
const naiveRate = sample.length / (naiveMs / 1000);
const naiveFullMs = (resources / naiveRate) * 1000;
process.stdout.write(
  `naive json-rules-engine loop: ${fmt(sample.length)} sampled resources in ${fmt(naiveMs)} ms = ${fmt(naiveRate)} resources/s; ` +
    `extrapolated to the fleet: ${fmt(naiveFullMs / 1000, 1)} s\n`,
);

// The fair baseline: one Engine per resource type, so a VM pays only for the VM rules.
const perType = new Map(
  (['host', 'vm'] as ResourceType[]).map((t) => [t, new ReferenceRules(rules.filter((r) => r.resourceType === t))]),
);
const tPerType = performance.now();
let perTypeHits = 0;
for (const ctx of sample) perTypeHits += (await perType.get(ctx.type)!.run(ctx)).length;
const perTypeMs = performance.now() - tPerType;
const perTypeRate = sample.length / (perTypeMs / 1000);
const perTypeFullMs = (resources / perTypeRate) * 1000;
process.stdout.write(
  `json-rules-engine, one Engine per resource type: ${fmt(perTypeRate)} resources/s; extrapolated to the fleet: ${fmt(perTypeFullMs / 1000, 1)} s ` +
    `(${fmt((perTypeFullMs / naiveFullMs) * 100, 0)}% of the one-Engine loop's time; fired ${fmt(perTypeHits)} on the sample, one Engine ${fmt(naiveHits)})\n`,
);

// The calibration figure ("about 3,000 resources/s with 20 rules"): the same loop with 20 rules.
const twenty = new ReferenceRules(rules.filter((_, i) => i % Math.ceil(rules.length / 20) === 0).slice(0, 20));
const sample20 = sample.slice(0, 2000);
const t20 = performance.now();
for (const ctx of sample20) await twenty.run(ctx);
const rate20 = sample20.length / ((performance.now() - t20) / 1000);
process.stdout.write(`naive loop with 20 of the rules (calibration): ${fmt(rate20)} resources/s\n`);

// --- identical findings on the sample ---
const hostIds = new Set(sample.filter((c) => c.type === 'host').map((c) => c.id));
const vmIds = new Set(sample.filter((c) => c.type === 'vm').map((c) => c.id));
const scope = { host: hostIds, vm: vmIds, cluster: new Set<string>(), perimeter: new Set<string>() };
const key = (h: { rule: { id: string }; resourceId: string; evidence: unknown }) =>
  `${h.rule.id}|${h.resourceId}|${JSON.stringify(h.evidence)}`;
const a = compiled.evaluate(index, scope).hits.map(key).sort();
const b = (await reference.evaluate(index, scope)).hits.map(key).sort();
const identical = a.length === b.length && a.every((x, i) => x === b[i]);
process.stdout.write(
  `findings on the sample: compiled ${fmt(a.length)}, json-rules-engine ${fmt(b.length)} (naive loop fired ${fmt(naiveHits)}) — ${identical ? 'identical' : 'DIFFERENT'}\n`,
);

const ratio = perTypeFullMs / evalMs;
process.stdout.write(
  `speed-up (evaluation, compiled vs json-rules-engine with one Engine per type, extrapolated): ${fmt(ratio, 1)}x (goal >= 10x); ` +
    `vs the one-Engine loop: ${fmt(naiveFullMs / evalMs, 1)}x; full audit ${fmt(fullMs / 1000, 2)} s (goal <= 5 s)\n`,
);
if (!identical || perTypeHits !== naiveHits) process.exitCode = 1;

// --- the stored audit's split (issue 19): the same fleet ingested into a local DynamoDB (dynalite), audited twice ---
if (process.env.BENCH_AUDIT_STORED !== '0') {
  const server = await startLocalServer({ mode: 'child' });
  const store = await openDynamoStore({ endpoint: server.endpoint });
  try {
    const events = fleetEvents(fleet);
    const tIngest = performance.now();
    for (let i = 0; i < events.length; i += 400) await store.putEvents(events.slice(i, i + 400));
    process.stdout.write(
      `stored audit: ${fmt(events.length)} events ingested into dynalite in ${fmt((performance.now() - tIngest) / 1000, 1)} s\n`,
    );
    if (process.env.BENCH_AUDIT_COMPACT === '1') {
      const tCompact = performance.now();
      const compaction = await store.compact();
      process.stdout.write(
        `compacted: ${fmt(compaction.snapshotsWritten)} snapshots written in ${fmt((performance.now() - tCompact) / 1000, 1)} s\n`,
      );
    }
    let serverBefore = processCpuSeconds(server.pid);
    for (const label of ['first audit (every finding new)', 'second audit (unchanged fleet)']) {
      const timings: AuditTimings = { readMs: 0, evaluateMs: 0, lifecycleMs: 0, writeMs: 0, findingsWritten: 0 };
      const t = performance.now();
      const cpu = process.cpuUsage();
      await runAudit({ store, clock: systemClock }, { rules, full: true, timings });
      const total = performance.now() - t;
      const cpuS = cpuSeconds(process.cpuUsage(cpu));
      const serverCpuS = processCpuSeconds(server.pid);
      const serverCpu =
        serverCpuS === undefined || serverBefore === undefined
          ? ''
          : `, server (dynalite) ${fmt(serverCpuS - serverBefore, 2)} s`;
      serverBefore = serverCpuS;
      process.stdout.write(
        `${label}: ${fmt(total / 1000, 2)} s = read ${fmt(timings.readMs / 1000, 2)} s + evaluate ${fmt(timings.evaluateMs / 1000, 2)} s + ` +
          `lifecycle ${fmt(timings.lifecycleMs / 1000, 2)} s + write ${fmt(timings.writeMs / 1000, 2)} s; ${fmt(timings.findingsWritten)} findings written; ` +
          (timings.groups === undefined
            ? ''
            : `${fmt(timings.groupsRead ?? 0)} of ${fmt(timings.groups)} page groups read; `) +
          `the findings read took ${fmt((timings.findingsReadMs ?? 0) / 1000, 2)} s beside the fleet's read and the evaluation; ` +
          `CPU: this process ${fmt(cpuS, 2)} s${serverCpu}` +
          (timings.cpu === undefined
            ? ''
            : ` (this process's CPU by phase: read ${fmt(timings.cpu.readMs / 1000, 2)} s, evaluate ${fmt(timings.cpu.evaluateMs / 1000, 2)} s, ` +
              `lifecycle ${fmt(timings.cpu.lifecycleMs / 1000, 2)} s, write ${fmt(timings.cpu.writeMs / 1000, 2)} s)`) +
          '\n',
      );
    }
  } finally {
    store.close();
    await server.stop();
  }
}

/** User plus system CPU of this process, in seconds. */
function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
