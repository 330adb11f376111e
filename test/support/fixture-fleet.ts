import { z } from 'zod';
import { emptyFleet, type Fleet, type HostView, type VmView } from '../../src/model/fleet';
import { HostSchema } from '../../src/model/host';
import { PerimeterSchema } from '../../src/model/perimeter';
import { VmSchema } from '../../src/model/vm';
import type { RuleFixture } from '../../src/engine/types';

const MovementSchema = z
  .object({
    eventId: z.string(),
    time: z.string(),
    kind: z.enum(['live', 'cold', 'evacuate', 'drs', 'ha', 'clone']),
    fromHostId: z.string().optional(),
    toHostId: z.string().optional(),
    fromDatastore: z.string().optional(),
    toDatastore: z.string().optional(),
    sourceVmId: z.string().optional(),
  })
  .strict();
const FixtureVm = VmSchema.extend({
  movements: z.array(MovementSchema).default([]),
  perimeterSource: z.enum(['own', 'clone']).optional(),
  poweredOffSince: z.iso.datetime({ offset: true }).optional(),
  lastSeenRunning: z.iso.datetime({ offset: true }).optional(),
});

/**
 * The small fleet a rule fixture describes, validated with the model's schemas (so a typo in a fixture
 * fails its test) and completed as materialiseFleet would: VMs take cluster/datacenter from their host,
 * and a VM naming its perimeter has perimeterSource `own`.
 */
export function fleetFromFixture(fixture: RuleFixture): Fleet {
  const fleet = emptyFleet();
  for (const h of fixture.hosts ?? []) {
    const host = HostSchema.parse(h) as HostView;
    fleet.hosts.set(host.id, host);
  }
  for (const p of fixture.perimeters ?? []) {
    const perimeter = PerimeterSchema.parse(p);
    fleet.perimeters.set(perimeter.id, perimeter);
  }
  for (const v of fixture.vms ?? []) {
    const vm = FixtureVm.parse(v) as VmView;
    const host = vm.hostId !== undefined ? fleet.hosts.get(vm.hostId) : undefined;
    if (host?.cluster !== undefined) vm.cluster ??= host.cluster;
    if (host?.datacenter !== undefined) vm.datacenter ??= host.datacenter;
    if (vm.perimeter !== undefined) vm.perimeterSource ??= 'own';
    fleet.vms.set(vm.id, vm);
  }
  return fleet;
}
