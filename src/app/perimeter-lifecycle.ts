import type { Evaluation } from '../engine/compile';
import type { LoadedRule, Profile } from '../engine/types';
import type { Waiver } from '../engine/waivers';
import type { Fleet } from '../model/fleet';
import type { Finding, ResourceType } from '../model/finding';
import { forEachLimit } from '../store/batch';
import { mergeItemsAndPages, PERIMETERS_GROUP } from '../store/unverified-pages';
import { applyLifecycle } from './apply-lifecycle';
import { changedSince, resourceKey, type ShardFindingsStore } from './shard-lifecycle';

/** Perimeters' findings read at once (one Query each): a fleet has tens to hundreds of perimeters. */
const READS_IN_FLIGHT = 32;

export interface PerimeterLifecycleInput {
  perimeters: Fleet['perimeters'];
  fleetLevel: Evaluation;
  rules: readonly LoadedRule[];
  profile: Profile;
  auditedAt: string;
  waivers: readonly Waiver[];
}

/**
 * The perimeters' findings' lifecycle, in the finish step (they are few, and judged on every shard's counts): the
 * findings of every perimeter (one Query per findings partition, or one per perimeter) and the perimeters' unverified
 * pages. Returns their current findings.
 */
export async function perimeterLifecycle(
  store: ShardFindingsStore,
  input: PerimeterLifecycleInput,
): Promise<Finding[]> {
  const items: Finding[] = [];
  const [paged] = await Promise.all([
    store.listUnverifiedFindings([PERIMETERS_GROUP]),
    // Every perimeter's findings, a removed perimeter's too: its open findings are resolved, as the whole-table
    // lifecycle resolves them. A store that cannot list them by type is read one fleet perimeter at a time.
    store.listTypeFindings
      ? store.listTypeFindings('perimeter').then((found) => {
          for (const f of found) items.push(f);
        })
      : forEachLimit([...input.perimeters.keys()], READS_IN_FLIGHT, async (id) => {
          for (const f of await store.listResourceFindings('perimeter', id)) items.push(f);
        }),
  ]);
  const previous = mergeItemsAndPages(items, paged);
  const newer = changedSince(previous, input.auditedAt);
  const evaluated = (type: ResourceType, id: string) => type === 'perimeter' && !newer.has(resourceKey(type, id));
  const applied = await applyLifecycle(store, {
    previous,
    complete: false,
    evaluation: {
      ...input.fleetLevel,
      hits: input.fleetLevel.hits.filter((h) => evaluated(h.resourceType, h.resourceId)),
    },
    rules: input.rules,
    profile: input.profile,
    now: input.auditedAt,
    waivers: input.waivers,
    evaluated,
    fleet: {},
    mode: 'full',
    counted: { hosts: 0, vms: 0 },
    groupsRead: new Set([PERIMETERS_GROUP]),
  });
  if ('outside' in applied) throw new Error("perimeter findings changed pages outside the perimeters' group");
  return applied.result.findings;
}
