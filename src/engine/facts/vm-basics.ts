import { fact, type FactDef } from './define';

const LATENCY_LABELS = ['latencySensitive', 'chatty'] as const;

export const vmBasicFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'vendor',
    description: 'Vendor of the VM’s host; null when the host is unknown.',
    compute: (ctx) => ctx.host?.hypervisor?.vendor ?? null,
  }),
  fact<'vm'>({
    id: 'powerState',
    description: 'Power state; null when not reported.',
    compute: (ctx) => ctx.vm.powerState ?? null,
  }),
  fact<'vm'>({
    id: 'ideDiskCount',
    description: 'Disks on an IDE controller.',
    compute: (ctx) => (ctx.vm.disks ?? []).filter((d) => d.controller === 'ide').length,
  }),
  fact<'vm'>({
    id: 'iops',
    description: 'workload.iops (0 when not reported).',
    compute: (ctx) => ctx.vm.workload?.iops ?? 0,
  }),
  fact<'vm'>({
    id: 'criticality',
    description: 'labels.criticality as a string (e.g. `critical`); null when unlabelled.',
    compute: (ctx) => (ctx.vm.labels?.criticality !== undefined ? String(ctx.vm.labels.criticality) : null),
  }),
  fact<'vm'>({
    id: 'latencySensitive',
    description: 'labels.latencySensitive or labels.chatty is true (or "true"), or labels.latency is "sensitive".',
    compute: (ctx) => {
      const labels = ctx.vm.labels ?? {};
      return LATENCY_LABELS.some((k) => labels[k] === true || labels[k] === 'true') || labels.latency === 'sensitive';
    },
  }),
  fact<'vm'>({
    id: 'passthroughNicCount',
    description: 'NICs with PCI passthrough or an SR-IOV adapter.',
    compute: (ctx) =>
      (ctx.vm.nics ?? []).filter((n) => n.passthrough === true || /sr-?iov/i.test(n.adapter ?? '')).length,
  }),
];
