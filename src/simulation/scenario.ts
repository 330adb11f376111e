/** Scenario files (a self-contained fleet) and what-if files: validated once here, trusted afterwards. */
import { z } from 'zod';
import { HostSchema } from '../model/host';
import { VmSchema } from '../model/vm';
import { PerimeterSchema } from '../model/perimeter';
import { emptyFleet, type Fleet } from '../model/fleet';
import { SimulationInputError } from './compile';

export const ScenarioSchema = z
  .object({
    hosts: z.array(HostSchema),
    vms: z.array(VmSchema),
    perimeters: z.array(PerimeterSchema).optional(),
    /** Time of step 0; profiles place their peak hour against it. */
    start: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;

export const WhatIfChangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('migrate'), vm: z.string().min(1), toHost: z.string().min(1) }).strict(),
  z.object({ type: z.literal('maintenance'), host: z.string().min(1) }).strict(),
  z.object({ type: z.literal('remove-host'), host: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('add-host'),
      /** A full host, or `like` + `id` to copy an existing host's hardware under a new id. */
      host: HostSchema.optional(),
      like: z.string().min(1).optional(),
      id: z.string().min(1).optional(),
      count: z.number().int().positive().max(1000).optional(),
    })
    .strict()
    .refine((c) => (c.host !== undefined) !== (c.like !== undefined && c.id !== undefined), {
      message: 'add-host needs either `host` or both `like` and `id`',
    }),
  z
    .object({ type: z.literal('consolidate'), cluster: z.string().min(1), ratio: z.number().int().min(2).max(100) })
    .strict(),
]);
export type WhatIfChange = z.infer<typeof WhatIfChangeSchema>;

export const WhatIfFileSchema = z.union([
  z.array(WhatIfChangeSchema),
  z.object({ changes: z.array(WhatIfChangeSchema) }).strict(),
]);

/** zod issues as `file: path.to.field: message` lines. */
export function describeIssues(file: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 20)
    .map(
      (issue) =>
        `${file}: ${
          issue.path.length > 0
            ? issue.path
                .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
                .join('')
                .replace(/^\./, '')
            : '(root)'
        }: ${issue.message}`,
    )
    .join('\n');
}

export function parseScenario(value: unknown, file: string): { fleet: Fleet; start?: string } {
  const parsed = ScenarioSchema.safeParse(value);
  if (!parsed.success) throw new SimulationInputError(describeIssues(file, parsed.error));
  const scenario = parsed.data;
  const fleet = emptyFleet();
  const duplicate = (kind: string, id: string, index: number) =>
    new SimulationInputError(`${file}: ${kind}[${index}].id: duplicate id ${JSON.stringify(id)}`);
  scenario.hosts.forEach((host, i) => {
    if (fleet.hosts.has(host.id)) throw duplicate('hosts', host.id, i);
    fleet.hosts.set(host.id, host);
  });
  scenario.vms.forEach((vm, i) => {
    if (fleet.vms.has(vm.id)) throw duplicate('vms', vm.id, i);
    if (vm.hostId !== undefined && !fleet.hosts.has(vm.hostId)) {
      throw new SimulationInputError(`${file}: vms[${i}].hostId: no host ${JSON.stringify(vm.hostId)} in the scenario`);
    }
    const host = vm.hostId !== undefined ? fleet.hosts.get(vm.hostId) : undefined;
    fleet.vms.set(vm.id, {
      ...vm,
      ...(vm.cluster === undefined && host?.cluster !== undefined && { cluster: host.cluster }),
      movements: [],
    });
  });
  for (const p of scenario.perimeters ?? []) fleet.perimeters.set(p.id, p);
  return { fleet, ...(scenario.start !== undefined && { start: scenario.start }) };
}

export function parseWhatIf(value: unknown, file: string): WhatIfChange[] {
  const parsed = WhatIfFileSchema.safeParse(value);
  if (!parsed.success) throw new SimulationInputError(describeIssues(file, parsed.error));
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.changes;
}
