import type { FactRef } from './types';

/**
 * How a fact reference is named in evidence: `vcpuPerCore`, `setting:Security.AccountLockFailures`,
 * `serviceRunning:TSM-SSH`; other params as JSON so distinct references never collide.
 */
export function factKey(ref: FactRef): string {
  const p = ref.params;
  if (p === undefined) return ref.fact;
  const named = p.key ?? p.name;
  const rest = Object.keys(p).filter((k) => k !== 'key' && k !== 'name' && k !== 'default');
  if (typeof named === 'string' && rest.length === 0) return `${ref.fact}:${named}`;
  return `${ref.fact}${JSON.stringify(p)}`;
}
