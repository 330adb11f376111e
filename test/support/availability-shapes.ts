/** Fleets as the simulation hands them to the availability estimator, in shapes property tests vary. */
import fc from 'fast-check';
import type { AvailabilityInput } from '../../src/simulation/availability';

export interface Shape {
  clusters: number;
  hostsPerCluster: number;
  vmsPerHost: number;
  apps: number;
  /** true: every app spreads over the whole fleet; false: apps stay inside one cluster. */
  fleetWideApps: boolean;
  unknownSpare: boolean;
  /**
   * true: hosts of one cluster are not numbered together and clusters differ in size (cluster 0 has one host, the
   * others share the rest round-robin), so failure sets and restart pools interleave clusters; false or absent: blocks
   * of `hostsPerCluster`.
   */
  unevenClusters?: boolean;
  seed: number;
}

function clusterOfHost(s: Shape, h: number): number {
  if (!s.unevenClusters || s.clusters === 1) return Math.floor(h / s.hostsPerCluster);
  return h === 0 ? 0 : 1 + ((h - 1) % (s.clusters - 1));
}

/** A fleet as the simulation hands it to the estimator, with failure rates high enough for multi-failure trials. */
export function inputOf(s: Shape): AvailabilityInput {
  const H = s.clusters * s.hostsPerCluster;
  const V = H * s.vmsPerHost;
  const hostCluster = Int32Array.from({ length: H }, (_, h) => clusterOfHost(s, h));
  const vmHost = Int32Array.from({ length: V }, (_, v) => (v % 17 === 5 ? -1 : Math.floor(v / s.vmsPerHost)));
  const vmApp = Array.from({ length: V }, (_, v) => {
    if (v % 7 === 0) return undefined;
    const app = s.fleetWideApps ? v % s.apps : hostCluster[Math.floor(v / s.vmsPerHost)]! * s.apps + (v % s.apps);
    return `app-${app}`;
  });
  return {
    hostIds: Array.from({ length: H }, (_, h) => `h${h}`),
    clusterIds: Array.from({ length: s.clusters }, (_, c) => `c${c}`),
    hostCluster,
    inService: Uint8Array.from({ length: H }, (_, h) => (h % 11 === 3 ? 0 : 1)),
    mtbfHours: Float64Array.from({ length: H }, (_, h) => 40 + (h % 5) * 10),
    mttrHours: Float64Array.from({ length: H }, (_, h) => 4 + (h % 3)),
    uplinks: Int32Array.from({ length: H }, (_, h) => h % 4),
    spareCpu: Float64Array.from({ length: H }, (_, h) =>
      s.unknownSpare && h % 6 === 0 ? Number.POSITIVE_INFINITY : 4000 + ((h * 37) % 9000),
    ),
    spareMem: Float64Array.from({ length: H }, (_, h) =>
      s.unknownSpare && h % 9 === 0 ? Number.POSITIVE_INFINITY : 8000 + ((h * 53) % 30000),
    ),
    vmIds: Array.from({ length: V }, (_, v) => `v${v}`),
    vmHost,
    vmCpu: Float64Array.from({ length: V }, (_, v) => 500 + ((v * 97) % 3000)),
    vmMem: Float64Array.from({ length: V }, (_, v) => 1024 + ((v * 131) % 8192)),
    vmApp,
    vmRole: Array.from({ length: V }, (_, v) => (v % 3 === 0 ? 'db' : v % 3 === 1 ? 'web' : undefined)),
  };
}

/** Shapes up to these sizes, every layout flag drawn (vmsPerHost from `minVmsPerHost`, 0 for hosts with no VM). */
export function shapes(most: { hostsPerCluster: number; vmsPerHost: number; apps: number; minVmsPerHost: number }) {
  return fc.record<Shape>({
    clusters: fc.integer({ min: 1, max: 4 }),
    hostsPerCluster: fc.integer({ min: 1, max: most.hostsPerCluster }),
    vmsPerHost: fc.integer({ min: most.minVmsPerHost, max: most.vmsPerHost }),
    apps: fc.integer({ min: 1, max: most.apps }),
    fleetWideApps: fc.boolean(),
    unknownSpare: fc.boolean(),
    unevenClusters: fc.boolean(),
    seed: fc.nat(),
  });
}
