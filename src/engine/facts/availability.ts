import type { ClusterContext, HostContext, VmContext } from '../fleet-index';
import type { Scalar } from '../types';
import { fact, round3, type FactDef, type Provenance } from './define';

/**
 * Availability facts: what the stored simulation says about HA restart capacity, replica sets, blast radius and
 * expected downtime. A resource the stored simulation does not cover reads null and is *unreported*, so the
 * availability rules are `unverified` there ("run hyperaudit simulate"), never a silent pass. Each resource reads
 * only its own figures: one cluster's results never depend on another's.
 */

const SIMULATE =
  'availability figures: `hyperaudit simulate` (stores them for the audit; the scheduled workflow does it per cluster), then `hyperaudit audit`';

function clusterProvenance(): Provenance<'cluster'> {
  return {
    reported: (ctx) => ctx.index.availability?.clusters.has(ctx.id) ?? false,
    collect: (ctx) => `${SIMULATE} (cluster ${ctx.id} is not in the stored simulation)`,
  };
}

function clusterFigure(ctx: ClusterContext, name: string): number | null {
  return ctx.index.availability?.clusters.get(ctx.id)?.[name] ?? null;
}

function hostFigure(ctx: HostContext, name: string): number | null {
  return ctx.index.simulation?.get(ctx.host.id)?.[name] ?? null;
}

/** Hosts of the cluster whose failure alone leaves some of their VMs without room to restart. */
function hostsStrandingVms(ctx: ClusterContext): string[] {
  return ctx.hosts
    .filter((h) => ctx.index.simulation?.get(h.id)?.singleFailureRestartable === 0)
    .map((h) => h.id)
    .sort();
}

export const clusterAvailabilityFacts: FactDef<'cluster'>[] = [
  fact<'cluster'>({
    id: 'sim.haToleratedFailures',
    description:
      'Host failures the cluster absorbs with every VM restarted (the N+1 definition of src/model/failover-capacity.ts, on simulated demand); null when the stored simulation does not cover the cluster.',
    compute: (ctx) => clusterFigure(ctx, 'haToleratedFailures'),
    provenance: clusterProvenance(),
  }),
  fact<'cluster'>({
    id: 'sim.pCannotRestart',
    description:
      'Share of Monte Carlo trials in which some VM of a failed host could not be restarted (0–1); null when the stored simulation does not cover the cluster.',
    compute: (ctx) => clusterFigure(ctx, 'pCannotRestart'),
    provenance: clusterProvenance(),
  }),
  fact<'cluster'>({
    id: 'sim.restartCapacity',
    description:
      '{haToleratedFailures, pCannotRestart, pCannotRestartStdErr, hosts, vms, hostsStrandingVms (hosts whose failure alone leaves VMs down)}; null when not simulated.',
    compute: (ctx) => {
      const c = ctx.index.availability?.clusters.get(ctx.id);
      if (c === undefined) return null;
      return {
        haToleratedFailures: c.haToleratedFailures ?? null,
        pCannotRestart: c.pCannotRestart ?? null,
        pCannotRestartStdErr: c.pCannotRestartStdErr ?? null,
        hosts: c.hosts ?? null,
        vms: c.vms ?? null,
        hostsStrandingVms: hostsStrandingVms(ctx),
      };
    },
  }),
];

const hostProvenance: Provenance<'host'> = {
  collect: (ctx) => `${SIMULATE} (host ${ctx.host.id} is not in the stored simulation)`,
};

/** Replica sets the host takes down alone, with at least `minReplicas` replicas; null when not known. */
function lostSets(ctx: HostContext, params: Readonly<Record<string, Scalar>>) {
  if (!lostSetsReported(ctx)) return null;
  const min = typeof params.minReplicas === 'number' ? params.minReplicas : 2;
  return (ctx.index.availability?.lostReplicaSets.get(ctx.host.id) ?? [])
    .filter((s) => s.vms.length >= min)
    .map((s) => ({ app: s.app, role: s.role, replicas: s.vms.length, vms: [...s.vms] }));
}

/**
 * Known when the host was simulated and either no app is lost with it or its lost replica sets were stored (the
 * leaner stored forms of a very large fleet keep the count, not the sets).
 */
function lostSetsReported(ctx: HostContext): boolean {
  const lost = hostFigure(ctx, 'appsLostOnFailure');
  if (lost === null) return false;
  return lost === 0 || (ctx.index.availability?.lostReplicaSets.has(ctx.host.id) ?? false);
}

const MIN_REPLICAS = {
  name: 'minReplicas',
  required: false,
  description: 'Smallest replica set that counts (default 2: a single VM is no replica set).',
};

export const hostAvailabilityFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'sim.blastRadiusVms',
    description: 'VMs running on the host that one failure of it takes down; null without a simulation result.',
    compute: (ctx) => hostFigure(ctx, 'blastRadiusVms'),
    provenance: hostProvenance,
  }),
  fact<'host'>({
    id: 'sim.blastRadiusApps',
    description: 'Apps (labels.app) with a VM on the host; null without a simulation result.',
    compute: (ctx) => hostFigure(ctx, 'blastRadiusApps'),
    provenance: hostProvenance,
  }),
  fact<'host'>({
    id: 'sim.lostReplicaSets',
    description:
      'Replica sets (labels.app + labels.role) whose every running replica is on this host, so one failure of it takes the app down: [{app, role, replicas, vms}]; null when not known.',
    params: [MIN_REPLICAS],
    compute: (ctx, params) => lostSets(ctx, params),
    provenance: { reported: (ctx) => lostSetsReported(ctx), collect: hostProvenance.collect },
  }),
  fact<'host'>({
    id: 'sim.lostReplicaSetCount',
    description: 'Number of `sim.lostReplicaSets` (same `minReplicas` param); null when not known.',
    params: [MIN_REPLICAS],
    compute: (ctx, params) => lostSets(ctx, params)?.length ?? null,
    provenance: { reported: (ctx) => lostSetsReported(ctx), collect: hostProvenance.collect },
  }),
];

const TARGET_PARAMS = (['critical', 'high', 'medium', 'low'] as const).map((name) => ({
  name,
  required: true,
  description: `Downtime target in minutes per year of a VM labelled criticality=${name}.`,
}));

function downtimeMinutes(ctx: VmContext): number | null {
  const hours = ctx.index.availability?.vmDowntimeHours.get(ctx.vm.id);
  return hours === undefined ? null : round3(hours * 60);
}

function targetMinutes(ctx: VmContext, params: Readonly<Record<string, Scalar>>): number | null {
  const label = ctx.vm.labels?.criticality;
  if (label === undefined) return null;
  const criticality = String(label);
  if (!Object.hasOwn(params, criticality)) return null;
  const target = params[criticality];
  return typeof target === 'number' ? target : null;
}

const vmProvenance: Provenance<'vm'> = {
  reported: (ctx) => ctx.index.availability?.vmDowntimeHours.has(ctx.vm.id) ?? false,
  collect: (ctx) => `${SIMULATE} (VM ${ctx.vm.id} has no expected downtime in the stored simulation)`,
};

export const vmAvailabilityFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'sim.expectedDowntimeMinutesPerYear',
    description:
      'Expected downtime from host and uplink failures, minutes per year (Monte Carlo, docs/simulation.md); null when the stored simulation has no figure for the VM.',
    compute: (ctx) => downtimeMinutes(ctx),
    provenance: vmProvenance,
  }),
  fact<'vm'>({
    id: 'sim.downtimeTargetMinutes',
    description: 'The downtime target (minutes per year) of the VM’s labels.criticality; null when it has none.',
    params: TARGET_PARAMS,
    compute: (ctx, params) => targetMinutes(ctx, params),
  }),
  fact<'vm'>({
    id: 'sim.downtimeOverTargetMinutes',
    description:
      'Expected downtime minus the target of its criticality, minutes per year (> 0: over target); null when either is unknown.',
    params: TARGET_PARAMS,
    compute: (ctx, params) => {
      const expected = downtimeMinutes(ctx);
      const target = targetMinutes(ctx, params);
      return expected === null || target === null ? null : round3(expected - target);
    },
    provenance: vmProvenance,
  }),
];
