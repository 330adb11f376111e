import { isRunning } from '../../model/vm';
import type { VmContext } from '../fleet-index';
import { fact, round3, type FactDef } from './define';
import { powerOffEventHint, vmConfigHint } from './collect-hints';

const DAY_MS = 86_400_000;

/** Days from `iso` to the audit time; null without an audit time or a readable date. */
function daysBeforeAudit(ctx: VmContext, iso: string | undefined): number | null {
  if (iso === undefined || ctx.index.auditedAt === undefined) return null;
  const from = Date.parse(iso);
  const at = Date.parse(ctx.index.auditedAt);
  if (Number.isNaN(from) || Number.isNaN(at)) return null;
  // A snapshot stamped after the audit (clock skew) is new, not negative days old.
  return round3(Math.max(0, at - from) / DAY_MS);
}

const snapshotHint = (ctx: VmContext) => vmConfigHint(ctx, 'snapshot tree (VirtualMachine.snapshot)');

/**
 * VM sprawl (issue 15 item 12): VMs left behind on a consolidated fleet — placed on a host that is gone, idle,
 * or carrying snapshots that keep growing. None of these reads the clock: ages are measured to the audit time.
 */
export const vmSprawlFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'hostId',
    description: 'The host the VM names; null when it names none.',
    compute: (ctx) => ctx.vm.hostId ?? null,
  }),
  fact<'vm'>({
    id: 'orphaned',
    description:
      'The VM names a host that is not in the fleet (removed, or never collected); false when it names none or the host is known.',
    compute: (ctx) => ctx.vm.hostId !== undefined && ctx.host === undefined,
  }),
  fact<'vm'>({
    id: 'running',
    description: 'Not reported powered off or suspended (unknown power state counts as running, as for host load).',
    compute: (ctx) => isRunning(ctx.vm),
  }),
  fact<'vm'>({
    id: 'cpuAvgPct',
    description: 'workload.cpuAvgPct, average CPU use over the collection window (0–100); null when not reported.',
    compute: (ctx) => ctx.vm.workload?.cpuAvgPct ?? null,
    provenance: {
      collect: (ctx) => vmConfigHint(ctx, 'average CPU use (workload.cpuAvgPct, e.g. vCenter cpu.usage.average)'),
    },
  }),
  fact<'vm'>({
    id: 'snapshotCount',
    description: 'Snapshots in the VM’s snapshot tree; null when snapshots were not reported.',
    compute: (ctx) => ctx.vm.snapshots?.count ?? null,
    provenance: { collect: snapshotHint },
  }),
  fact<'vm'>({
    id: 'oldestSnapshotAgeDays',
    description:
      'Days from the oldest snapshot’s creation to the audit time; 0 when the VM has no snapshot, null when snapshots, the oldest one’s time or the audit time are not known.',
    compute: (ctx) => {
      const snaps = ctx.vm.snapshots;
      if (snaps === undefined || ctx.index.auditedAt === undefined) return null;
      if (snaps.count === 0) return 0;
      return daysBeforeAudit(ctx, snaps.oldest);
    },
    provenance: { collect: snapshotHint },
  }),
  fact<'vm'>({
    id: 'poweredOff',
    description: 'Reported powered off (not suspended; unknown power state is not off).',
    compute: (ctx) => ctx.vm.powerState === 'poweredOff',
  }),
  fact<'vm'>({
    id: 'poweredOffDays',
    description:
      'Days from the event that powered the VM off (vm.power_off: vCenter VmPoweredOffEvent, libvirt `Stopped`, Nova `power_off.end`) to the audit time; 0 when the VM is not reported off, null when it is off but no event dated the change (a snapshot only says "off") or there is no audit time.',
    compute: (ctx) => {
      if (ctx.vm.powerState !== 'poweredOff') return 0;
      return daysBeforeAudit(ctx, ctx.vm.poweredOffSince);
    },
    provenance: { collect: powerOffEventHint },
  }),
  fact<'vm'>({
    id: 'poweredOffSince',
    description:
      'When the current powered-off spell began (ISO 8601), from the vm.power_off event that started it; null when not off or not dated.',
    compute: (ctx) => ctx.vm.poweredOffSince ?? null,
  }),
  fact<'vm'>({
    id: 'oldestSnapshot',
    description: 'Creation time of the oldest snapshot (ISO 8601); null when not reported or the VM has none.',
    compute: (ctx) => ctx.vm.snapshots?.oldest ?? null,
  }),
];
