import type { Perimeter } from '../../model/perimeter';
import type { VmContext } from '../fleet-index';
import { perimetersOfHost } from '../host-perimeters';
import { fact, type FactDef } from './define';

/** Words of a name: `corp-prod-vlan20` → corp, prod, vlan20; `Corporate production` → corporate, production. */
function words(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

function wordSet(param: unknown): ReadonlySet<string> {
  return new Set(typeof param === 'string' ? words(param) : []);
}

const named = (name: string | undefined, production: ReadonlySet<string>) =>
  name !== undefined && words(name).some((w) => production.has(w));

/** A perimeter's own declaration wins; without one, a production word in its id or name makes it production. */
function isProduction(p: Perimeter, production: ReadonlySet<string>): boolean {
  return p.production ?? (named(p.id, production) || named(p.name, production));
}

/**
 * Where a VM sits in production: its own perimeter, the perimeters that admit its host, and its networks, as
 * `perimeter:<id>` / `network:<name>`, sorted. Networks carry no declaration, so only their name counts.
 */
function productionPlacements(ctx: VmContext, production: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const perimeters = new Set<string>();
  if (ctx.vm.perimeter !== undefined) perimeters.add(ctx.vm.perimeter);
  if (ctx.host !== undefined) for (const id of perimetersOfHost(ctx.index, ctx.host)) perimeters.add(id);
  for (const id of perimeters) {
    const p = ctx.index.fleet.perimeters.get(id);
    if (p !== undefined ? isProduction(p, production) : named(id, production)) out.add(`perimeter:${id}`);
  }
  for (const nic of ctx.vm.nics ?? []) if (named(nic.network, production)) out.add(`network:${nic.network}`);
  return [...out].sort();
}

const wordsParam = [
  {
    name: 'words',
    required: true,
    description: 'comma-separated words that mark a perimeter or network name as production (e.g. `prod,production`)',
  },
];

/**
 * VM templates (issue 15 item 12): a template is a golden image, not a workload. Sources mark one with the label
 * `template: true`: the vSphere collector (`config.template`), RVTools (`Template` column), Proxmox
 * (`template: 1` in /cluster/resources). libvirt, Hyper-V and Nova have no templates.
 */
export const vmTemplateFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'isTemplate',
    description:
      'The VM is a template (label `template`: vSphere `config.template`, RVTools `Template`, Proxmox `template`).',
    compute: (ctx) => {
      const t = ctx.vm.labels?.template;
      return t === true || t === 'true' || t === 1;
    },
  }),
  fact<'vm'>({
    id: 'productionPlacements',
    params: wordsParam,
    description:
      'Production places the VM is in, as `perimeter:<id>` (its own or one admitting its host: declared `production: true`, or, undeclared, a word of `words` in its id or name) and `network:<name>` (a word of `words` in the name), sorted.',
    compute: (ctx, p) => productionPlacements(ctx, wordSet(p.words)),
  }),
  fact<'vm'>({
    id: 'productionPlacementCount',
    params: wordsParam,
    description: 'Number of `productionPlacements` (same `words`).',
    compute: (ctx, p) => productionPlacements(ctx, wordSet(p.words)).length,
  }),
];
