import type { HostView } from '../model/fleet';
import type { FleetIndex } from './fleet-index';

/**
 * Perimeters a host belongs to: the one it names, plus every perimeter whose placement lists (hosts,
 * clusters, datacenters — at least one defined) all admit it. Sorted ids.
 */
export function perimetersOfHost(index: FleetIndex, host: HostView): readonly string[] {
  const memo = index.hostPerimeters.get(host.id);
  if (memo) return memo;
  const ids = new Set<string>();
  if (host.perimeter !== undefined) ids.add(host.perimeter);
  for (const p of index.fleet.perimeters.values()) {
    if (!p.allowedHosts && !p.allowedClusters && !p.allowedDatacenters) continue;
    if (p.allowedHosts && !p.allowedHosts.includes(host.id)) continue;
    if (p.allowedClusters && (host.cluster === undefined || !p.allowedClusters.includes(host.cluster))) continue;
    if (p.allowedDatacenters && (host.datacenter === undefined || !p.allowedDatacenters.includes(host.datacenter)))
      continue;
    ids.add(p.id);
  }
  const out = [...ids].sort();
  index.hostPerimeters.set(host.id, out);
  return out;
}
