import type { ResourceType } from '../model/finding';
import { resourceCluster, resourceDatacenter, resourceName, type ResourceContext } from './fleet-index';
import type { FactValue, LoadedRule, RuleHit, Unverified } from './types';

/** A hit's resource name and placement: `undefined` where the resource has none. */
export interface HitPlace {
  readonly name: string | undefined;
  readonly cluster: string | undefined;
  readonly datacenter: string | undefined;
}

/**
 * Builds the one object a hit is kept as, from its parts: a `RuleHit` (`ruleHit`), or the finding the audit stores
 * (`candidateMaker` in lifecycle.ts), so that a full audit keeps one object per hit instead of a hit and its finding
 * (750,000 of each at 100,000 VMs, alive to the end of the command). `place` is read during the call, not kept.
 */
export type HitMaker<H> = (
  rule: LoadedRule,
  resourceType: ResourceType,
  resourceId: string,
  place: HitPlace,
  evidence: Record<string, FactValue>,
  unverified: Unverified | undefined,
) => H;

/** The hit as the engine's callers read it: its keys in the order every path has always built them. */
export const ruleHit: HitMaker<RuleHit> = (rule, resourceType, resourceId, place, evidence, unverified) => {
  const hit: RuleHit = { rule, resourceType, resourceId, evidence };
  if (place.name !== undefined) hit.resourceName = place.name;
  if (place.cluster !== undefined) hit.cluster = place.cluster;
  if (place.datacenter !== undefined) hit.datacenter = place.datacenter;
  if (unverified !== undefined) hit.unverified = unverified;
  return hit;
};

/**
 * A resource's name and placement, the same for each of its hits: worked out at its first hit (`at`). One per
 * evaluation, moved from resource to resource like the fact cache.
 */
export class HitSite implements HitPlace {
  name: string | undefined = undefined;
  cluster: string | undefined = undefined;
  datacenter: string | undefined = undefined;
  private ctx: ResourceContext | undefined = undefined;
  private known = false;

  moveTo(ctx: ResourceContext): void {
    this.ctx = ctx;
    this.known = false;
  }

  /** The current resource's name and placement. */
  at(): HitPlace {
    if (!this.known && this.ctx !== undefined) {
      this.name = resourceName(this.ctx);
      this.cluster = resourceCluster(this.ctx);
      this.datacenter = resourceDatacenter(this.ctx);
      this.known = true;
    }
    return this;
  }
}
