import type { Evaluation } from '../engine/compile';
import type { LoadedRule, Profile } from '../engine/types';
import type { Waiver } from '../engine/waivers';
import type { Fleet } from '../model/fleet';
import type { Finding, ResourceType } from '../model/finding';
import { PERIMETERS_GROUP } from '../store/unverified-pages';
import { applyLifecycle } from './apply-lifecycle';
import { readStoredFindings, type ShardFindingsStore } from './read-stored-findings';
import { changedSince, resourceKey } from './shard-lifecycle';

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
  // Every perimeter's findings, a removed perimeter's too: its open findings are resolved, as the whole-table
  // lifecycle resolves them. A store that cannot list them by type is read one fleet perimeter at a time.
  const { findings: previous } = await readStoredFindings(store, {
    resources: [...input.perimeters.keys()].map((id): [ResourceType, string] => ['perimeter', id]),
    wholeType: 'perimeter',
    groups: [PERIMETERS_GROUP],
    inFlight: READS_IN_FLIGHT,
  });
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
