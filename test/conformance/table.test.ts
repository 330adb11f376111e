import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/engine/catalogue';
import { coverage, loadConformanceTable, type ConformanceRow } from '../../src/engine/conformance';
import type { Profile, RuleFixture } from '../../src/engine/types';
import { REFERENCE_DIR, firing, fleetWith, reference, rulesByProfile } from './support';

const table = loadConformanceTable();
const catalogue = loadCatalogue();
const stigIds = reference('stig-v2r3/control-ids.txt')
  .split('\n')
  .filter((l) => l !== '');
const isEsxiOrVm = (id: string) => /^(esxi|vm)-8\./.test(id);

describe('the conformance table (rules/catalogue/conformance.json)', () => {
  it('has exactly one row for every SCG ESXi and VM control of the catalogue, with its STIG mapping', () => {
    const expected = [...catalogue.keys()].filter(isEsxiOrVm).sort();
    const rows = table.controls.map((r) => r.scg);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.filter(isEsxiOrVm).sort()).toEqual(expected);
    expect(expected).toHaveLength(96);
    for (const row of table.controls) expect(row.stig, row.scg).toEqual(catalogue.get(row.scg)!.stigIds);
  });

  it('accounts for every ESXi and VM control of the STIG V2R3 content, and cites no STIG id that does not exist', () => {
    const cited = new Set([...table.controls.flatMap((r) => r.stig), ...table.stigOnly.map((r) => r.stig)]);
    expect([...cited].sort()).toEqual([...stigIds].sort());
    for (const rule of rulesByProfile.scg) {
      for (const c of rule.controls.filter((x) => x.framework === 'disa-stig'))
        expect(stigIds, `${rule.id} cites ${c.id}`).toContain(c.id);
    }
  });

  it('lists, for each control, exactly the shipped rules that cite it, and only reference files that are in the repo', () => {
    for (const row of table.controls) {
      const citing = rulesByProfile.scg
        .filter((r) => r.controls.some((c) => c.framework === 'vsphere-8-scg' && c.id === row.scg))
        .map((r) => r.id);
      expect(row.rules.slice().sort(), row.scg).toEqual(citing.sort());
      for (const f of row.references) expect(existsSync(new URL(f, REFERENCE_DIR)), `${row.scg}: ${f}`).toBe(true);
    }
    for (const row of table.stigOnly)
      for (const f of row.references) expect(existsSync(new URL(f, REFERENCE_DIR)), f).toBe(true);
  });

  it('is what the README states as coverage per framework', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [label, f] of [
      ['vSphere 8 SCG', coverage(table)[0]!],
      ['DISA STIG V2R3', coverage(table)[1]!],
    ] as const) {
      const line = readme.split('\n').find((l) => l.startsWith(`| ${label}`));
      expect(line, label).toBeDefined();
      const c = f.counts;
      expect(
        line!
          .split('|')
          .slice(2, 7)
          .map((x) => Number(x.trim())),
      ).toEqual([c.total, c.implemented, c.partial, c['not-collected'], c['not-auditable']]);
    }
  });

  it('counts coverage per framework from the rows', () => {
    const [scg, stig] = coverage(table);
    expect(scg!.counts.total).toBe(table.controls.length);
    expect(stig!.counts.total).toBe(stigIds.length);
    for (const f of [scg!, stig!]) {
      const { total, ...byStatus } = f.counts;
      expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });
});

function casesFor(row: ConformanceRow, profile: Profile): { compliant: RuleFixture[]; nonCompliant: RuleFixture[] } {
  const own = row.cases?.[profile] ?? row.cases?.scg;
  const type = rulesByProfile.scg.find((r) => r.id === row.rules[0])!.resourceType as 'host' | 'vm';
  if (own)
    return {
      compliant: own.compliant.map((p) => fleetWith(type, p)),
      nonCompliant: own.nonCompliant.map((p) => fleetWith(type, p)),
    };
  const fixtures = rulesByProfile.scg.find((r) => r.id === row.rules[0])!.fixtures;
  return { compliant: [fixtures.compliant], nonCompliant: [fixtures.nonCompliant] };
}

const withRules = table.controls.filter((r) => r.rules.length > 0);

describe.each(withRules.map((r) => [r.scg, r] as const))('%s', (_id, row) => {
  it.each(['scg', 'stig'] as const)(
    'profile %s: a compliant fleet has no finding, a non-compliant one has one',
    (profile) => {
      const cases = casesFor(row, profile);
      for (const fixture of cases.compliant)
        expect(firing(profile, row.rules, fixture), JSON.stringify(fixture)).toEqual([]);
      for (const fixture of cases.nonCompliant)
        expect(firing(profile, row.rules, fixture), JSON.stringify(fixture)).not.toEqual([]);
    },
  );
});
