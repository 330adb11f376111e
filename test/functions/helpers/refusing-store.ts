import type { FleetStore } from '../../../src/store/types';

/** Store methods that read every entity or every finding of the table. */
export type WholeTableRead = 'loadFleet' | 'listFindings' | 'readHistory' | 'loadFleetWithHistory';

/**
 * The store with the named whole-table reads refused (they reject, naming themselves), every other method passed
 * through: a step that must read only what its shards name fails loudly when it reads the whole fleet.
 */
export function refusingWholeReads<T extends FleetStore>(store: T, refused: readonly WholeTableRead[]): T {
  const names = new Set<PropertyKey>(refused);
  return new Proxy(store, {
    get(target, prop) {
      if (names.has(prop))
        return () => Promise.reject(new Error(`${String(prop)} reads the whole table, which this step must not`));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
