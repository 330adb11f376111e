import type { Finding } from '../model/finding';
import type { Fleet } from '../model/fleet';
import type { FleetStore, PutEventsResult } from '../store/types';
import type { AuditResult } from '../engine/audit-result';
import { CompiledRules, type Evaluation, type Scope } from '../engine/compile';
import { candidateMaker } from '../engine/lifecycle';
import { indexFleet } from '../engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../engine/load-rules';
import type { LoadedRule, Profile } from '../engine/types';
import type { Waiver } from '../engine/waivers';
import { STATE, writeState } from '../store/state-keys';
import { readAuditBaseline, recordAudit } from './record-audit';
import { startDigestRead, type DigestRead } from './digest-read';
import type { HitsOrDigests } from './apply-lifecycle';
import { readSimulationFigures } from './simulation-state';
import { isoNow } from '../model/ports/clock';
import { cpuMsSince } from './cpu-ms';
import type { Ports } from './ports';

export { type AuditRunRecord, auditStampOf } from './record-audit';

export interface AuditOptions {
  profile?: Profile;
  rulesDir?: string;
  /** Already loaded rules (takes precedence over rulesDir/profile loading). */
  rules?: readonly LoadedRule[];
  /** The stored fleet when the caller has just loaded it (one read of the store per command). */
  fleet?: Fleet;
  /** Replaces the stored waivers; without it the audit uses the waivers stored by the last audit given some. */
  waivers?: readonly Waiver[];
  /** Entities changed since the last audit (from putEvents / ingest); without it the audit is full. */
  scope?: PutEventsResult['subjects'];
  full?: boolean;
  /** Filled with the wall time of each phase (for bench/audit's split). */
  timings?: AuditTimings;
}

/**
 * Milliseconds per phase of one audit: reading the store, evaluating rules, the findings' lifecycle, writing. The
 * stored findings are read while the rules are evaluated, so `readMs` is the time spent waiting on reads (the fleet,
 * then whatever of the findings read was still running when the evaluation ended) and `findingsReadMs` the findings
 * read's own duration, most of it hidden behind the evaluation. With group digests the evaluation builds the hits'
 * findings as it goes (`candidateMaker`): their cost is in `evaluateMs`, where an audit without them has it in
 * `lifecycleMs`.
 */
export interface AuditTimings {
  readMs: number;
  evaluateMs: number;
  lifecycleMs: number;
  writeMs: number;
  /** Findings written (the ones whose view changed) and the run record. */
  findingsWritten: number;
  findingsReadMs?: number;
  /** With group digests: the page groups whose stored findings were read, of the groups the evaluation's findings are in. */
  groupsRead?: number;
  groups?: number;
  /**
   * CPU milliseconds of this process per phase (every thread: garbage collection included), as the wall times above
   * split them; the store's own process (a local server) is not in them.
   */
  cpu?: { readMs: number; evaluateMs: number; lifecycleMs: number; writeMs: number };
}

/**
 * Which VMs an incremental audit re-evaluates, or undefined for "everything". Hosts, clusters and
 * perimeters are always re-evaluated: they are few, and a host's consolidation facts depend on VMs that may
 * have left it through an upsert that does not say where they came from. VMs are re-evaluated when they
 * changed, when their host changed, when a changed host appears in their migration evidence, or when
 * they descend (by cloning) from a changed VM. A changed perimeter changes host membership everywhere: full.
 */
export function incrementalVmScope(fleet: Fleet, subjects: PutEventsResult['subjects']): Set<string> | undefined {
  // An inventory snapshot (kind `scope`) can remove any entity of its scope: full, like a perimeter change.
  if (subjects.some((s) => s.kind === 'perimeter' || s.kind === 'scope')) return undefined;
  const vms = new Set<string>();
  const hosts = new Set(subjects.filter((s) => s.kind === 'host').map((s) => s.id));
  for (const s of subjects) if (s.kind === 'vm') vms.add(s.id);
  if (hosts.size > 0) {
    for (const vm of fleet.vms.values()) {
      if (
        (vm.hostId !== undefined && hosts.has(vm.hostId)) ||
        vm.movements.some((m) => hosts.has(m.fromHostId ?? '') || hosts.has(m.toHostId ?? ''))
      ) {
        vms.add(vm.id);
      }
    }
  }
  const children = new Map<string, string[]>();
  for (const vm of fleet.vms.values()) {
    if (vm.clonedFrom === undefined) continue;
    const list = children.get(vm.clonedFrom);
    if (list) list.push(vm.id);
    else children.set(vm.clonedFrom, [vm.id]);
  }
  const queue = [...vms];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!vms.has(child)) {
        vms.add(child);
        queue.push(child);
      }
    }
  }
  return vms;
}

/** Stores the waivers later audits honour when given none (the evaluate and workflow handlers never are). */
export async function storeWaivers(store: FleetStore, waivers: readonly Waiver[]): Promise<void> {
  await writeState(store, STATE.auditWaivers, [...waivers]);
}

/** `clock` stamps the audit: when findings were seen, opened or resolved. */
export type AuditPorts = Ports<'store' | 'clock'>;

/** Audits the stored fleet, updates stored findings (lifecycle, waivers) and returns the result. */
export async function runAudit(ports: AuditPorts, opts: AuditOptions = {}): Promise<AuditResult> {
  const { store } = ports;
  const profile = opts.profile ?? 'scg';
  const now = isoNow(ports.clock);
  const rules = opts.rules ?? loadRules(opts.rulesDir ?? DEFAULT_RULES_DIR, { profile });
  let mark = performance.now();
  let cpuMark = process.cpuUsage();
  let cpuLap = 0;
  const lap = (): number => {
    const at = performance.now();
    const ms = at - mark;
    mark = at;
    cpuLap = cpuMsSince(cpuMark);
    cpuMark = process.cpuUsage();
    return ms;
  };
  const full = opts.full === true || opts.scope === undefined;
  // With group digests a full audit reads only the groups of stored findings it may change (src/app/digest-read.ts).
  const digestRead =
    full && store.findingDigests !== undefined ? startDigestRead(store, store.findingDigests, profile) : undefined;
  // The stored findings are only needed by the lifecycle: their read (the largest, at scale) runs on while the fleet
  // is indexed and evaluated. Started first, so its requests are in flight before the fleet's pages arrive.
  const baselineRead = timed(readAuditBaseline(store, opts.waivers, { findings: digestRead === undefined }));
  // Should the fleet's read or the evaluation fail first, that error is the one reported; this one is not unhandled.
  baselineRead.catch(() => undefined);
  // The records are one Query: the findings read they call for is then requested before the fleet's pages.
  await digestRead?.ready;
  const [fleet, simulation] = await Promise.all([opts.fleet ?? store.loadFleet(), readSimulationFigures(store)]);
  const fleetReadMs = lap();
  const fleetReadCpuMs = cpuLap;
  const index = indexFleet(fleet, simulation, now);
  const vmScope = full ? undefined : incrementalVmScope(fleet, opts.scope!);
  const scope: Scope = vmScope ? { vm: vmScope } : {};
  const compiled = new CompiledRules(rules);
  // With group digests the hits are evaluated straight into the findings they give: one object per hit, not two.
  const run: Evaluated =
    digestRead === undefined
      ? { evaluation: compiled.evaluate(index, scope) }
      : { digestRead, candidates: compiled.evaluateAs(index, scope, candidateMaker(now, profile)) };
  const evaluateMs = lap();
  const evaluateCpuMs = cpuLap;
  const { value: baseline, ms: findingsReadMs } = await baselineRead;
  let digested: DigestReadResult | undefined;
  let hitsOrDigests: HitsOrDigests;
  if (run.digestRead === undefined) hitsOrDigests = { evaluation: run.evaluation };
  else {
    digested = await run.digestRead.finish({
      candidates: run.candidates.hits,
      waivers: baseline.waivers,
      ruleIds: new Set(rules.map((r) => r.id)),
      now,
    });
    hitsOrDigests = { evaluation: run.candidates, digests: digested.digests };
  }
  if (opts.waivers !== undefined) await storeWaivers(store, opts.waivers);
  const readMs = fleetReadMs + lap();
  const readCpuMs = fleetReadCpuMs + cpuLap;
  const recorded = await recordAudit(store, {
    fleet,
    ...hitsOrDigests,
    baseline: digested === undefined ? baseline : { ...baseline, previous: digested.previous },
    rules,
    profile,
    now,
    ...(vmScope && { vmScope }),
    clusters: index.hostsByCluster.size,
  });
  const { result, findingsWritten, lifecycleMs, writeMs } = recorded;
  const finishing = performance.now();
  const finishingCpu = process.cpuUsage();
  await digested?.records.finish();
  const planMs = digested?.planMs ?? 0;
  const planCpuMs = digested?.planCpuMs ?? 0;
  if (opts.timings)
    Object.assign(opts.timings, {
      readMs: readMs - planMs,
      evaluateMs,
      lifecycleMs: lifecycleMs + planMs,
      writeMs: writeMs + performance.now() - finishing,
      cpu: {
        readMs: readCpuMs - planCpuMs,
        evaluateMs: evaluateCpuMs,
        lifecycleMs: recorded.lifecycleCpuMs + planCpuMs,
        writeMs: recorded.writeCpuMs + cpuMsSince(finishingCpu),
      },
      findingsWritten,
      findingsReadMs,
      ...(digested && { groupsRead: digested.plan.loud.size, groups: digested.plan.groups.size }),
    });
  return result;
}

/** A full audit with group digests evaluates into candidate findings; any other into hits. */
type Evaluated =
  | { digestRead?: undefined; evaluation: Evaluation }
  | { digestRead: DigestRead; candidates: Evaluation<Finding> };

type DigestReadResult = Awaited<ReturnType<DigestRead['finish']>>;

/** A promise's value and how long it took from now until it settled. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - started };
}
