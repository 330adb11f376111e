import { createHash } from 'node:crypto';
import type { LoadedRule } from './types';

/**
 * Names the exact rules an audit applied (issue 15 item 8): a digest of every loaded rule as resolved for the
 * profile (conditions, parameters, severities, controls), so two reports stamped alike were judged alike.
 * The file paths are left out: the same rules read from another checkout are the same pack.
 */
export function rulePackVersion(rules: readonly LoadedRule[]): string {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(({ file: _f, ...r }) => r);
  return `rules-${createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12)}`;
}
