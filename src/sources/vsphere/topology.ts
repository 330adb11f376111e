import type { ObjectContent } from './property-collector';
import { childText, moRef, text, type XmlValue } from './xml';

/** Names and parents of the few container objects, to place hosts in clusters and datacenters. */
export interface Topology {
  byRef: Map<string, { type: string; name: string; parent?: string }>;
}

export const TOPOLOGY_TYPES = [
  'Datacenter',
  'Folder',
  'ComputeResource',
  'ClusterComputeResource',
  'Datastore',
  'Network',
  'DistributedVirtualPortgroup',
  'OpaqueNetwork',
] as const;

export function refKey(ref: { type: string; value: string }): string {
  return `${ref.type}:${ref.value}`;
}

export function buildTopology(objects: Iterable<ObjectContent>): Topology {
  const byRef: Topology['byRef'] = new Map();
  for (const o of objects) {
    const parent = moRef(o.props.get('parent'));
    byRef.set(refKey(o.obj), {
      type: o.obj.type,
      name: text(o.props.get('name')) ?? o.obj.value,
      ...(parent && { parent: refKey(parent) }),
    });
  }
  return { byRef };
}

/** The nearest ancestor of a type, walking parents (bounded: a hostile parent loop cannot spin). */
export function ancestor(
  topology: Topology,
  key: string | undefined,
  type: string,
): { key: string; name: string } | undefined {
  let cur = key;
  for (let i = 0; cur !== undefined && i < 64; i++) {
    const node = topology.byRef.get(cur);
    if (!node) return undefined;
    if (node.type === type) return { key: cur, name: node.name };
    cur = node.parent;
  }
  return undefined;
}

export function nameOf(topology: Topology, value: XmlValue | undefined): string | undefined {
  const ref = moRef(value);
  return ref ? topology.byRef.get(refKey(ref))?.name : undefined;
}

export { childText };
