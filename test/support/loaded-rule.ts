import type { LoadedRule } from '../../src/engine/types';

/** A rule as loaded, of what the compliance view reads (id, type, controls); the rest fixed. */
export function loadedRule(
  id: string,
  controls: LoadedRule['controls'],
  resourceType: LoadedRule['resourceType'] = 'host',
): LoadedRule {
  return {
    id,
    pack: 'hardening',
    file: `${id}.json`,
    title: id,
    severity: 'high',
    category: 'hardening',
    resourceType,
    params: {},
    appliesTo: {},
    conditions: { all: [] },
    evidenceFacts: [],
    controls,
    rationale: 'r',
    remediation: 'x',
    fixtures: { compliant: { subject: 'a' }, nonCompliant: { subject: 'a' } },
  };
}
