import type { Perimeter } from '../../model/perimeter';
import type { FactValue } from '../types';
import { fact, type FactDef } from './define';
import { perimetersOfHost } from '../host-perimeters';
import { perimeterExcursions } from '../perimeter-excursions';

export { perimetersOfHost };

function placementViolations(
  p: Perimeter | undefined,
  vm: { hostId?: string; cluster?: string; datacenter?: string },
): string[] {
  if (!p) return [];
  const out: string[] = [];
  if (p.allowedHosts && vm.hostId !== undefined && !p.allowedHosts.includes(vm.hostId)) out.push(`host:${vm.hostId}`);
  if (p.allowedClusters && vm.cluster !== undefined && !p.allowedClusters.includes(vm.cluster))
    out.push(`cluster:${vm.cluster}`);
  if (p.allowedDatacenters && vm.datacenter !== undefined && !p.allowedDatacenters.includes(vm.datacenter)) {
    out.push(`datacenter:${vm.datacenter}`);
  }
  return out;
}

function networkViolations(p: Perimeter | undefined, nics: readonly { network: string }[] | undefined): string[] {
  if (!p?.allowedNetworks) return [];
  const allowed = p.allowedNetworks;
  return [...new Set((nics ?? []).map((n) => n.network).filter((n) => !allowed.includes(n)))].sort();
}

export const vmPerimeterFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'hasPerimeter',
    description: 'The VM names (or inherits) a perimeter.',
    compute: (ctx) => ctx.vm.perimeter !== undefined,
  }),
  fact<'vm'>({
    id: 'perimeterKnown',
    description: 'The VM’s perimeter is defined in the fleet (false when it names one nobody defined).',
    compute: (ctx) => ctx.perimeter !== undefined,
  }),
  fact<'vm'>({
    id: 'perimeterSource',
    description: '`own` when the VM names its perimeter, `clone` when inherited from its clone source; null otherwise.',
    compute: (ctx) => ctx.vm.perimeterSource ?? null,
  }),
  fact<'vm'>({
    id: 'placementViolations',
    description: 'Placements the VM’s perimeter does not allow, as `host:<id>`, `cluster:<id>`, `datacenter:<id>`.',
    compute: (ctx) => placementViolations(ctx.perimeter, ctx.vm),
  }),
  fact<'vm'>({
    id: 'placementViolationCount',
    description: 'Number of `placementViolations`.',
    compute: (ctx) => placementViolations(ctx.perimeter, ctx.vm).length,
  }),
  fact<'vm'>({
    id: 'networkViolations',
    description: 'Networks the VM is attached to that its perimeter does not allow.',
    compute: (ctx) => networkViolations(ctx.perimeter, ctx.vm.nics),
  }),
  fact<'vm'>({
    id: 'networkViolationCount',
    description: 'Number of `networkViolations`.',
    compute: (ctx) => networkViolations(ctx.perimeter, ctx.vm.nics).length,
  }),
  fact<'vm'>({
    id: 'perimeterCrossing',
    description:
      'The VM’s open perimeter excursion: it moved between hosts of different perimeter sets and has not come back to a host of the set it left. {eventId, time, kind, fromHostId, toHostId, fromPerimeters, toPerimeters} of the latest leg, `home` (the set it left) and `legs` (every move since it left: eventId, time, kind, from and to host and perimeters, and the source the event reported when the placement history says otherwise); null when it is back inside or never left.',
    compute: (ctx): FactValue => {
      const last = perimeterExcursions(ctx.index, ctx.vm).at(-1);
      if (!last?.open) return null;
      const leg = last.legs.at(-1)!;
      return {
        eventId: leg.eventId,
        time: leg.time,
        kind: leg.kind,
        fromHostId: leg.fromHostId,
        toHostId: leg.toHostId,
        fromPerimeters: [...leg.fromPerimeters],
        toPerimeters: [...leg.toPerimeters],
        home: [...last.home],
        legs: last.legs.map((l) => ({
          ...l,
          fromPerimeters: [...l.fromPerimeters],
          toPerimeters: [...l.toPerimeters],
        })),
      };
    },
  }),
  fact<'vm'>({
    id: 'placementArrival',
    description:
      'How the VM reached the host it is on: {eventId, time, kind, fromHostId, toHostId} of the latest move or clone onto it (a clone names its source VM as `sourceVmId`, and its source host when the event or history gives one); null when no recorded event placed it there (inventory only).',
    compute: (ctx): FactValue => {
      for (let i = ctx.vm.movements.length - 1; i >= 0; i--) {
        const m = ctx.vm.movements[i]!;
        if (m.toHostId === undefined || m.toHostId !== ctx.vm.hostId) continue;
        // A clone without a known source host still says what it was cloned from.
        const from = m.fromHostId ?? (m.sourceVmId !== undefined ? `clone of ${m.sourceVmId}` : undefined);
        if (from === undefined) return null;
        return {
          eventId: m.eventId,
          time: m.time,
          kind: m.kind,
          fromHostId: from,
          toHostId: m.toHostId,
          ...(m.sourceVmId !== undefined && { sourceVmId: m.sourceVmId }),
        };
      }
      return null;
    },
  }),
  fact<'vm'>({
    id: 'crossDatacenterMove',
    description:
      'Latest migration between hosts in different datacenters: {eventId, time, kind, fromHostId, toHostId, fromDatacenter, toDatacenter}; null when none.',
    compute: (ctx): FactValue => {
      const hosts = ctx.index.fleet.hosts;
      for (let i = ctx.vm.movements.length - 1; i >= 0; i--) {
        const m = ctx.vm.movements[i]!;
        if (m.fromHostId === undefined || m.toHostId === undefined) continue;
        const from = hosts.get(m.fromHostId)?.datacenter;
        const to = hosts.get(m.toHostId)?.datacenter;
        if (from !== undefined && to !== undefined && from !== to) {
          return {
            eventId: m.eventId,
            time: m.time,
            kind: m.kind,
            fromHostId: m.fromHostId,
            toHostId: m.toHostId,
            fromDatacenter: from,
            toDatacenter: to,
          };
        }
      }
      return null;
    },
  }),
];

function trustLevels(ctx: Parameters<FactDef<'host'>['compute']>[0]): number[] {
  const levels = new Set<number>();
  for (const vm of ctx.vms) {
    const level = vm.perimeter !== undefined ? ctx.index.fleet.perimeters.get(vm.perimeter)?.trustLevel : undefined;
    if (level !== undefined) levels.add(level);
  }
  return [...levels].sort((a, b) => a - b);
}

export const hostPerimeterFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'trustLevelsOnHost',
    description:
      'Distinct trust levels of the perimeters of VMs placed on the host (powered off VMs included: they can start).',
    compute: (ctx) => trustLevels(ctx),
  }),
  fact<'host'>({
    id: 'trustLevelCount',
    description: 'Number of `trustLevelsOnHost`.',
    compute: (ctx) => trustLevels(ctx).length,
  }),
  fact<'host'>({
    id: 'hostPerimeters',
    description: 'Perimeters the host belongs to (see docs/rules.md).',
    compute: (ctx) => perimetersOfHost(ctx.index, ctx.host),
  }),
];

export const perimeterFacts: FactDef<'perimeter'>[] = [
  fact<'perimeter'>({
    id: 'constraintCount',
    description: 'How many of allowedHosts/Clusters/Datacenters/Networks the perimeter defines.',
    compute: (ctx) =>
      [
        ctx.perimeter.allowedHosts,
        ctx.perimeter.allowedClusters,
        ctx.perimeter.allowedDatacenters,
        ctx.perimeter.allowedNetworks,
      ].filter((l) => l !== undefined).length,
  }),
  fact<'perimeter'>({
    id: 'memberVmCount',
    description: 'VMs naming or inheriting the perimeter.',
    compute: (ctx) => ctx.index.perimeterMemberCounts?.get(ctx.perimeter.id) ?? ctx.vms.length,
  }),
  fact<'perimeter'>({
    id: 'trustLevel',
    description: 'The perimeter’s trust level; null when unset.',
    compute: (ctx) => ctx.perimeter.trustLevel ?? null,
  }),
];
