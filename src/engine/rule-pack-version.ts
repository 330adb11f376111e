import { createHash } from 'node:crypto';
import type { LoadedRule } from './types';
import { byId } from '../model/event-order';

/**
 * Names the exact rules an audit applied (issue 15 item 8): a digest of every loaded rule as resolved for the
 * profile (conditions, parameters, severities, controls), so two reports stamped alike were judged alike.
 * The file paths are left out: the same rules read from another checkout are the same pack.
 */
export function rulePackVersion(rules: readonly LoadedRule[]): string {
  const sorted = [...rules].sort(byId).map(({ file: _f, ...r }) => r);
  return `rules-${createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12)}`;
}
