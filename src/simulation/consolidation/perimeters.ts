/** Which perimeter each VM of a PlanetLab day belongs to, as dense ids in sorted trace order. */

export class PerimeterMapError extends Error {
  override readonly name = 'PerimeterMapError';
}

function denseIds(labels: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(labels, (label) => {
    let id = ids.get(label);
    if (id === undefined) {
      id = ids.size;
      ids.set(label, id);
    }
    return id;
  });
}

/**
 * Default: the PlanetLab slice, the last `_`-separated part of the trace name (`…_uw_oneswarm` → `oneswarm`).
 * Slices are PlanetLab's tenants, the natural trust boundary when nothing else says otherwise.
 */
export function slicePerimeters(traceNames: readonly string[]): Int32Array {
  return denseIds(traceNames.map((name) => name.slice(name.lastIndexOf('_') + 1)));
}

/** From an explicit map of trace name → perimeter; every trace must be named. */
export function mappedPerimeters(traceNames: readonly string[], map: Readonly<Record<string, string>>): Int32Array {
  const missing = traceNames.filter((n) => !Object.hasOwn(map, n));
  if (missing.length > 0)
    throw new PerimeterMapError(
      `${missing.length} trace(s) have no perimeter in the map, the first is ${JSON.stringify(missing[0])}`,
    );
  return denseIds(traceNames.map((n) => map[n]!));
}

export function perimeterCount(perimeterOf: Int32Array): number {
  return new Set(perimeterOf).size;
}
