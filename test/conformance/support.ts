import { readFileSync } from 'node:fs';
import { CompiledRules } from '../../src/engine/compile';
import { fleetFromFixture } from '../support/fixture-fleet';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Condition, LoadedRule, Profile, RuleFixture, Scalar } from '../../src/engine/types';

export const REFERENCE_DIR = new URL('./reference/', import.meta.url);
export const reference = (file: string) => readFileSync(new URL(file, REFERENCE_DIR), 'utf8');

const HOST = {
  id: 'esx-01',
  name: 'esx-01.example.net',
  hypervisor: { vendor: 'vmware', version: '8.0.3', build: '24674464' },
};
const VM = { id: 'vm-01', name: 'app01', hostId: 'esx-01', powerState: 'poweredOn' };

/** A one-host (and one-VM) VMware fleet with `patch` merged into the subject. */
export function fleetWith(type: 'host' | 'vm', patch: Record<string, unknown>): RuleFixture {
  return type === 'host'
    ? { hosts: [{ ...HOST, ...patch }], subject: HOST.id }
    : { hosts: [HOST], vms: [{ ...VM, ...patch }], subject: VM.id };
}

export const rulesByProfile: Record<Profile, LoadedRule[]> = {
  scg: loadRules(DEFAULT_RULES_DIR, { profile: 'scg' }),
  stig: loadRules(DEFAULT_RULES_DIR, { profile: 'stig' }),
};

/** Rule ids of `ids` (under `profile`) that fire on the fixture's subject; throws if one is not applicable to it. */
export function firing(profile: Profile, ids: readonly string[], fixture: RuleFixture): string[] {
  const rules = rulesByProfile[profile].filter((r) => ids.includes(r.id));
  if (rules.length !== ids.length) throw new Error(`unknown rule among ${ids.join(', ')}`);
  const result = new CompiledRules(rules).evaluate(indexFleet(fleetFromFixture(fixture)));
  for (const c of result.coverage)
    if (!c.resourceIds.includes(fixture.subject)) throw new Error(`${c.ruleId} does not apply to ${fixture.subject}`);
  return result.hits.filter((h) => h.resourceId === fixture.subject).map((h) => h.rule.id);
}

function settingKeys(c: Condition, out: Set<string>): Set<string> {
  if ('all' in c) for (const x of c.all) settingKeys(x, out);
  else if ('any' in c) for (const x of c.any) settingKeys(x, out);
  else if ('not' in c) settingKeys(c.not, out);
  else if ((c.fact === 'setting' || c.fact === 'settingList') && typeof c.params?.key === 'string')
    out.add(c.params.key);
  return out;
}

/** Hardening rules of a resource type reading the advanced setting / vmx key `key` (case-insensitive, as ESXi treats them). */
export function rulesReading(type: 'host' | 'vm', key: string): string[] {
  return rulesByProfile.scg
    .filter(
      (r) =>
        r.resourceType === type &&
        r.category === 'hardening' &&
        [...settingKeys(r.conditions, new Set())].some((k) => k.toLowerCase() === key.toLowerCase()),
    )
    .map((r) => r.id);
}

/** A PowerShell or Ruby literal as the API would return it in a setting: `$true`, `900`, `'info'`, `"a,b"`. */
export function literal(src: string): Scalar {
  const t = src.trim();
  if (/^\$true$/i.test(t)) return true;
  if (/^\$false$/i.test(t)) return false;
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^(['"])(.*)\1$/.exec(t);
  if (m) return m[2]!;
  throw new Error(`not a literal: ${src}`);
}

/** Values on the wrong side of `expected` for an exact-value check. */
export function othersThan(expected: Scalar): Scalar[] {
  if (typeof expected === 'number') return [expected - 1, expected + 1];
  if (typeof expected === 'boolean') return [!expected];
  if (expected === '') return ['10.0.0.1'];
  return [`x${String(expected)}`];
}
