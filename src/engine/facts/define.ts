import type { ResourceType } from '../../model/finding';
import type { ContextOf } from '../fleet-index';
import type { FactValue, Scalar } from '../types';

/**
 * A named, pure fact: the only way a rule sees the fleet. `params` lists the parameters a rule may pass
 * (`required` ones must be passed); an unknown fact or parameter in a rule is a load error.
 */
export interface FactDef<T extends ResourceType = ResourceType> {
  id: string;
  description: string;
  params?: { name: string; required: boolean; description: string }[];
  compute(this: void, ctx: ContextOf<T>, params: Readonly<Record<string, Scalar>>): FactValue;
  /**
   * For facts that read data a source may not have reported: a rule result that depends on such a fact while it
   * was not reported is `unverified`, not a pass or a failure (docs/rules.md, "Statuses").
   */
  provenance?: Provenance<T>;
}

export interface Provenance<T extends ResourceType = ResourceType> {
  /** Whether a source reported what the fact reads; without it, the fact was reported when its value is not null. */
  reported?(this: void, ctx: ContextOf<T>, params: Readonly<Record<string, Scalar>>): boolean;
  /** What to collect (a command or export) so a source reports it for this resource. */
  collect(this: void, ctx: ContextOf<T>, params: Readonly<Record<string, Scalar>>): string;
}

export function fact<T extends ResourceType>(def: FactDef<T>): FactDef<T> {
  return def;
}

/** Rounds ratios so evidence reads well and comparisons do not hinge on float noise. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
