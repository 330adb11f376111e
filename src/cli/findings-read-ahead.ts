import type { Finding } from '../model/finding';
import type { FleetStore } from '../store/types';

/**
 * `store` whose next `listFindings()` answers with `ahead`, a read of the same findings started earlier, and whose
 * other calls (and later `listFindings()` calls) go to `store`. `report` starts the findings' 17 queries with the
 * fleet's Scan, so the embedded store serves them while this process folds the fleet instead of after it; the
 * caller hands this on only when nothing wrote findings since `ahead` started (the stored audit was current).
 */
export function withFindingsReadAhead(store: FleetStore, ahead: Promise<Finding[]>): FleetStore {
  let pending: Promise<Finding[]> | undefined = ahead;
  const listFindings = (): Promise<Finding[]> => {
    const findings = pending ?? store.listFindings();
    pending = undefined;
    return findings;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'listFindings') return listFindings;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
