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

/** The powered-off spell of a VM reported off (the fleet dates it from events), else undefined. */
function offSpell(ctx: VmContext): { since?: string; lastRunning?: string } | undefined {
  if (ctx.vm.powerState !== 'poweredOff') return undefined;
  return {
    ...(ctx.vm.poweredOffSince !== undefined && { since: ctx.vm.poweredOffSince }),
    ...(ctx.vm.lastSeenRunning !== undefined && { lastRunning: ctx.vm.lastSeenRunning }),
  };
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
    id: 'poweredOffLongerThan',
    params: [{ name: 'days', required: true, description: 'The longest a VM may stay powered off, in days.' }],
    description:
      'The VM is reported powered off and has been for more than `days` at the audit time, dated by the vm.power_off event that began the spell (vCenter VmPoweredOffEvent, libvirt `Stopped`, Nova `power_off.end`). Not reported when no event dated it (a snapshot only says "off"), unless it was seen running within `days` (then false): assumed true, so the result is unverified.',
    compute: (ctx, params) => {
      const spell = offSpell(ctx);
      if (spell === undefined) return false;
      const days = Number(params.days);
      const dated = daysBeforeAudit(ctx, spell.since);
      if (dated !== null) return dated > days;
      // Undated: at most as long as since it was last seen running; without that, it may be any length.
      const bound = daysBeforeAudit(ctx, spell.lastRunning);
      return bound === null || bound > days;
    },
    provenance: {
      reported: (ctx, params) => {
        const spell = offSpell(ctx);
        if (spell === undefined) return true;
        if (daysBeforeAudit(ctx, spell.since) !== null) return true;
        const bound = daysBeforeAudit(ctx, spell.lastRunning);
        return bound !== null && bound <= Number(params.days);
      },
      collect: powerOffEventHint,
    },
  }),
  fact<'vm'>({
    id: 'poweredOffDays',
    description:
      'Days from the vm.power_off event that began the VM’s powered-off spell to the audit time; null when not off, not dated or no audit time.',
    compute: (ctx) => daysBeforeAudit(ctx, offSpell(ctx)?.since),
  }),
  fact<'vm'>({
    id: 'poweredOffSince',
    description:
      'When the current powered-off spell began (ISO 8601), from the vm.power_off event that started it; null when not off or not dated.',
    compute: (ctx) => offSpell(ctx)?.since ?? null,
  }),
  fact<'vm'>({
    id: 'lastSeenRunning',
    description:
      'For a powered-off VM, the newest sign it was running (a power-on event, or a report of on or suspended) before it went off; null otherwise.',
    compute: (ctx) => offSpell(ctx)?.lastRunning ?? null,
  }),
  fact<'vm'>({
    id: 'oldestSnapshot',
    description: 'Creation time of the oldest snapshot (ISO 8601); null when not reported or the VM has none.',
    compute: (ctx) => ctx.vm.snapshots?.oldest ?? null,
  }),
];
