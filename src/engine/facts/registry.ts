import type { ResourceType } from '../../model/finding';
import type { FactDef } from './define';
import { clusterAvailabilityFacts, hostAvailabilityFacts, vmAvailabilityFacts } from './availability';
import { clusterFacts } from './cluster';
import { esxiConfigFacts } from './esxi-config';
import { hostConsolidationFacts } from './consolidation';
import { hostBasicFacts } from './host-basics';
import { hostPerimeterFacts, perimeterFacts, vmPerimeterFacts } from './perimeter';
import { hostSettingFacts, vmSettingFacts } from './settings';
import { hostSimulationFacts } from './simulation';
import { vmKvmDeviceFacts } from './kvm-devices';
import { vmSprawlFacts } from './sprawl';
import { vmTemplateFacts } from './templates';
import { vmBasicFacts } from './vm-basics';
import { vmConfigFacts } from './vm-config';

function byId<T extends ResourceType>(defs: FactDef<T>[]): ReadonlyMap<string, FactDef<T>> {
  const map = new Map<string, FactDef<T>>();
  for (const d of defs) {
    if (map.has(d.id)) throw new Error(`fact ${d.id} defined twice`);
    map.set(d.id, d);
  }
  return map;
}

/** Every fact a rule can read, per resource type. A rule naming anything else is refused at load. */
export const FACTS: { [T in ResourceType]: ReadonlyMap<string, FactDef<T>> } = {
  host: byId<'host'>([
    ...hostBasicFacts,
    ...hostSettingFacts,
    ...hostConsolidationFacts,
    ...hostPerimeterFacts,
    ...hostSimulationFacts,
    ...hostAvailabilityFacts,
    ...esxiConfigFacts,
  ]),
  vm: byId<'vm'>([
    ...vmBasicFacts,
    ...vmSettingFacts,
    ...vmPerimeterFacts,
    ...vmConfigFacts,
    ...vmKvmDeviceFacts,
    ...vmSprawlFacts,
    ...vmAvailabilityFacts,
    ...vmTemplateFacts,
  ]),
  cluster: byId<'cluster'>([...clusterFacts, ...clusterAvailabilityFacts]),
  perimeter: byId<'perimeter'>(perimeterFacts),
};
