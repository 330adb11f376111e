import { describe, expect, it } from 'vitest';
import type { Profile, Scalar } from '../../src/engine/types';
import { firing, fleetWith, literal, othersThan, reference, rulesReading } from './support';

/**
 * Verdicts taken from the references' own expected values: every advanced setting / vmx key VMware's audit scripts
 * and the STIG V2R3 InSpec controls compare is fed to the rules reading it, on both sides of the reference's
 * comparison. An unset key is tested for VMs only: ESXi reports every advanced setting.
 */
interface Expectation {
  source: string;
  type: 'host' | 'vm';
  key: string;
  profile: Profile;
  pass: (Scalar | undefined)[];
  fail: (Scalar | undefined)[];
}

/** Where hyperaudit deliberately fails a value the reference passes (docs/rules.md, "Where verdicts differ"). */
const DELIBERATE: Record<string, { value: Scalar; why: string }> = {
  'ESXI-80-000010': {
    value: 0,
    why: 'UserVars.HostClientSessionTimeout 0 never times out; the InSpec checks only <= 900',
  },
};

function scriptExpectations(): Expectation[] {
  const out: Expectation[] = [];
  const esxi = reference('scg-tools/audit-esxi-8.ps1');
  for (const m of esxi.matchAll(/^\s*'([^']+)' = @\{ Expected = (.+?); Comparator = '([a-z-]+)' \}/gm)) {
    const [, key, raw, comparator] = m as unknown as [string, string, string, string];
    const expected = literal(raw);
    const e: Expectation = {
      source: `audit-esxi-8.ps1 ${key} ${comparator} ${raw}`,
      type: 'host',
      key,
      profile: 'scg',
      pass: [expected],
      fail: [],
    };
    if (comparator === 'eq') e.fail.push(...othersThan(expected));
    else if (typeof expected !== 'number') throw new Error(`${key}: ${comparator} on a non-number`);
    else if (comparator === 'ge') extend(e, [expected + 1], [expected - 1]);
    else if (comparator === 'le') extend(e, [expected - 1], [expected + 1]);
    else if (comparator === 'le-nonzero') extend(e, [expected - 1], [expected + 1, 0]);
    else throw new Error(`unknown comparator ${comparator}`);
    out.push(e);
  }
  const vm = reference('scg-tools/audit-vm-8.ps1');
  for (const m of vm.matchAll(/^\s*'([^']+)' = '(T-OR-NP|F-OR-NP|TRUE|FALSE|NP)'/gm)) {
    const [, key, kind] = m as unknown as [string, string, string];
    const e: Expectation = {
      source: `audit-vm-8.ps1 ${key} ${kind}`,
      type: 'vm',
      key,
      profile: 'scg',
      pass: [],
      fail: [],
    };
    if (kind === 'T-OR-NP') extend(e, [true, undefined], [false]);
    if (kind === 'F-OR-NP') extend(e, [false, undefined], [true]);
    if (kind === 'TRUE') extend(e, [true], [false, undefined]);
    if (kind === 'FALSE') extend(e, [false], [true, undefined]);
    if (kind === 'NP') extend(e, [undefined], ['any-value']);
    out.push(e);
  }
  for (const m of vm.matchAll(
    /^\s*'([^']+)' = @\{ Expected = (\d+); Comparator = '([a-z]+)'; Default = \$(true|false) \}/gm,
  )) {
    const [, key, raw, comparator, unsetPasses] = m as unknown as [string, string, string, string, string];
    const expected = Number(raw);
    const e: Expectation = {
      source: `audit-vm-8.ps1 ${key} ${comparator} ${raw}`,
      type: 'vm',
      key,
      profile: 'scg',
      pass: [expected],
      fail: [],
    };
    (unsetPasses === 'true' ? e.pass : e.fail).push(undefined);
    if (comparator === 'eq') e.fail.push(expected - 1, expected + 1);
    if (comparator === 'le') extend(e, [expected - 1], [expected + 1]);
    if (comparator === 'ge') extend(e, [expected + 1], [expected - 1]);
    out.push(e);
  }
  return out;
}

/** Adds the values a check must pass and fail to an expectation. */
function extend(e: Expectation, pass: Expectation['pass'], fail: Expectation['fail']): void {
  e.pass.push(...pass);
  e.fail.push(...fail);
}

function inspecExpectations(): Expectation[] {
  const out: Expectation[] = [];
  const ids = reference('stig-v2r3/control-ids.txt')
    .split('\n')
    .filter((l) => l !== '');
  for (const id of ids) {
    const type = id.startsWith('VMCH') ? 'vm' : 'host';
    const text = reference(`stig-v2r3/${type === 'vm' ? 'vm' : 'esxi'}/${id}.rb`);
    const cmd = /Get-AdvancedSetting -Name ([\w.]+) \| Select-Object -ExpandProperty Value"/.exec(text);
    if (!cmd || text.includes('cmp "#{input')) continue;
    const key = cmd[1]!;
    const e: Expectation = { source: `${id} ${key}`, type, key, profile: 'stig', pass: [], fail: [] };
    const exact = /should cmp '([^']*)'/.exec(text);
    const atMost = /should cmp <= (\d+)/.exec(text);
    if (exact) {
      const expected = literal(`'${exact[1]!}'`);
      // InSpec's cmp compares loosely: '3' matches 3 and 'true' matches true.
      const typed = /^(true|false)$/i.test(String(expected))
        ? String(expected).toLowerCase() === 'true'
        : /^-?\d+$/.test(String(expected))
          ? Number(expected)
          : expected;
      e.pass.push(expected);
      e.fail.push(...othersThan(typed));
    } else if (atMost) {
      const max = Number(atMost[1]);
      e.pass.push(max, max - 1);
      e.fail.push(max + 1);
      if (/should_not cmp 0/.test(text)) e.fail.push(0);
      else if (DELIBERATE[id]?.value === 0) e.fail.push(0);
      else e.pass.push(0);
    } else continue;
    if (type === 'vm') (/should be_empty/.test(text) ? e.pass : e.fail).push(undefined);
    out.push(e);
  }
  return out;
}

function verdicts(e: Expectation, rules: string[]) {
  const settings = (v: Scalar | undefined) => (v === undefined ? {} : { settings: { [e.key]: v } });
  const fired = (v: Scalar | undefined) => firing(e.profile, rules, fleetWith(e.type, settings(v))).length > 0;
  return { pass: e.pass.map((v) => ({ v, fired: fired(v) })), fail: e.fail.map((v) => ({ v, fired: fired(v) })) };
}

const fromScripts = scriptExpectations();
const fromInspec = inspecExpectations();

describe('verdicts on the references’ expected values', () => {
  it('reads every setting comparison out of the references (the parsers did not silently skip)', () => {
    expect(fromScripts.filter((e) => e.type === 'host').length).toBe(28);
    expect(fromScripts.filter((e) => e.type === 'vm').length).toBe(14);
    expect(fromInspec.length).toBeGreaterThanOrEqual(40);
  });

  describe.each([...fromScripts, ...fromInspec].map((e) => [`${e.profile}: ${e.source}`, e] as const))(
    '%s',
    (_name, e) => {
      it('has a hardening rule reading the setting, which passes the reference’s passing values and fails the rest', () => {
        const rules = rulesReading(e.type, e.key);
        expect(rules, `no rule reads ${e.key}`).not.toEqual([]);
        const v = verdicts(e, rules);
        expect(v.pass.filter((x) => x.fired)).toEqual([]);
        expect(v.fail.filter((x) => !x.fired)).toEqual([]);
      });
    },
  );

  it('keeps each deliberate difference as documented: the rule fails what the reference passes', () => {
    for (const [id, d] of Object.entries(DELIBERATE)) {
      const e = fromInspec.find((x) => x.source.startsWith(id));
      expect(e, id).toBeDefined();
      expect(
        firing('stig', rulesReading('host', e!.key), fleetWith('host', { settings: { [e!.key]: d.value } })),
        d.why,
      ).not.toEqual([]);
    }
  });
});
