/**
 * CloudSim 4.0's PlanetLab dynamic-consolidation run (PlanetLabRunner with a migration policy), event for event:
 * power-aware initial placement, a scheduling update every 300 s followed by a planning round, migrations that
 * complete RAM / bandwidth seconds later (each completion updates every host), until 86,400 s.
 */
import { CLOUDSIM_HOST_TYPES, cloudSimVmTypes } from '../cloudsim';
import type { Trace } from '../trace';
import { compareTraceNames } from '../trace';
import { CloudSimDatacenter, CloudSimHost, CloudSimVms } from './datacenter';
import { findHostForVm, planMigrations, type PlannerRules } from './migration-planner';

export interface ConsolidationOptions {
  hosts?: number;
  stepSeconds?: number;
  /** Constants.SIMULATION_LIMIT. */
  limitSeconds?: number;
  /** Perimeter of each VM (sorted trace order), to count hosts that mix perimeters whatever the policy. */
  perimeterOf?: Int32Array;
}

export interface ConsolidationResult {
  vms: number;
  hosts: number;
  energyKWh: number;
  migrations: number;
  /** SLA violation time per active host. */
  slatah: number;
  /** Performance degradation due to migration. */
  pdm: number;
  /** SLATAH × PDM. */
  slav: number;
  /** Energy (kWh) × SLAV. */
  esv: number;
  /** Share of requested MIPS not allocated, over all VMs and the whole day. */
  overallViolation: number;
  vmsRemoved: number;
  /** Hosts running VMs of two perimeters, summed over scheduling steps (after each step's moves start). */
  mixedPerimeterHostSteps: number;
  /** Simulated seconds of the last event processed. */
  lastEventSeconds: number;
}

interface PendingMigration {
  time: number;
  vm: number;
  host: number;
}

/** Percent samples to CloudSim's data[]: value / 100, and the last sample repeated once. */
function traceData(t: Trace): Float64Array {
  const n = t.samples.length;
  const d = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) d[k] = t.samples[k]! / 100;
  d[n] = d[n - 1]!;
  return d;
}

export type RulesFactory = (dc: CloudSimDatacenter, traceNames: readonly string[]) => PlannerRules;

export function simulateConsolidation(
  input: readonly Trace[],
  makeRules: RulesFactory,
  opts: ConsolidationOptions = {},
): ConsolidationResult {
  if (input.length === 0) throw new RangeError('no traces');
  const traces = [...input].sort((a, b) => compareTraceNames(a.name, b.name));
  const samples = traces[0]!.samples.length;
  for (const t of traces) {
    if (t.samples.length !== samples)
      throw new RangeError(`${t.name}: ${t.samples.length} samples, the first trace has ${samples}`);
  }
  const interval = opts.stepSeconds ?? 300;
  const limit = opts.limitSeconds ?? Math.min(86_400, interval * samples);
  const hostCount = opts.hosts ?? 800;
  const hosts = Array.from({ length: hostCount }, (_, i) => new CloudSimHost(i, CLOUDSIM_HOST_TYPES[i % 2]!));
  const vms = new CloudSimVms(cloudSimVmTypes(traces.length), traces.map(traceData), interval);
  const dc = new CloudSimDatacenter(hosts, vms);
  const rules = makeRules(
    dc,
    traces.map((t) => t.name),
  );

  // Datacenter.processVmCreate for each VM in id order, placed by the policy itself.
  const noHosts = new Uint8Array(hostCount);
  for (let vm = 0; vm < vms.count; vm++) {
    const h = findHostForVm(dc, rules, vm, noHosts);
    if (!h || !dc.vmCreate(h, vm)) throw new RangeError(`VM ${vm} (${vms.mips[vm]} MIPS) fits no host`);
    vms.table[vm] = h.id;
    // Created with no cloudlet yet: the scheduler caches a request of 0 until the first update.
    vms.instantiating[vm] = 0;
    vms.request[vm] = 0;
  }

  let migrations = 0;
  let mixed = 0;
  const perimeterOf = opts.perimeterOf;
  const countMixed = () => {
    if (!perimeterOf) return;
    for (const h of hosts) {
      const first = h.vms[0];
      if (first !== undefined && h.vms.some((vm) => perimeterOf[vm] !== perimeterOf[first])) mixed++;
    }
  };
  let pending: PendingMigration[] = [];
  const completeUpTo = (until: number) => {
    const due = pending.filter((m) => m.time <= until);
    pending = pending.filter((m) => m.time > until);
    // Same-time events run in the order they were sent.
    due.sort((a, b) => a.time - b.time);
    for (let i = 0; i < due.length; i++) {
      const m = due[i]!;
      // PowerDatacenter.processVmMigrate.
      if (m.time > dc.lastProcessTime) dc.update(m.time);
      const owner = vms.table[m.vm]!;
      vms.table[m.vm] = -1;
      if (owner >= 0) dc.vmDestroy(hosts[owner]!, m.vm);
      const target = hosts[m.host]!;
      dc.removeMigratingIn(target, m.vm);
      if (!dc.vmCreate(target, m.vm)) throw new Error(`VM ${m.vm} could not land on host ${m.host}`);
      vms.table[m.vm] = m.host;
      vms.inMigration[m.vm] = 0;
      if (due[i + 1]?.time !== m.time) dc.update(m.time);
    }
  };

  // Cloudlets start at 0.1 s; the datacenter event then repeats every interval (times accumulate as in CloudSim).
  for (let time = 0.1 + interval; time <= limit; time += interval) {
    completeUpTo(time);
    if (time <= dc.lastProcessTime) continue;
    dc.update(time);
    for (const m of planMigrations(dc, rules)) {
      const target = hosts[m.host]!;
      dc.addMigratingIn(target, m.vm);
      migrations++;
      pending.push({ time: time + dc.migrationSeconds(m.vm), vm: m.vm, host: m.host });
    }
    countMixed();
  }
  completeUpTo(limit);

  let active = 0;
  let violation = 0;
  for (const h of hosts) {
    active += h.activeSeconds;
    violation += h.violationSeconds;
  }
  const energyKWh = dc.energyJoules / 3.6e6;
  const slatah = active > 0 ? violation / active : 0;
  const pdm = vms.totalRequested > 0 ? vms.underAllocatedMigration / vms.totalRequested : 0;
  const slav = slatah * pdm;
  let removed = 0;
  for (let vm = 0; vm < vms.count; vm++) removed += vms.removed[vm]!;
  return {
    vms: vms.count,
    hosts: hostCount,
    energyKWh,
    migrations,
    slatah,
    pdm,
    slav,
    esv: energyKWh * slav,
    overallViolation: vms.totalRequested > 0 ? (vms.totalRequested - vms.totalAllocated) / vms.totalRequested : 0,
    vmsRemoved: removed,
    mixedPerimeterHostSteps: mixed,
    lastEventSeconds: dc.lastProcessTime,
  };
}
