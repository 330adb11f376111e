import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/engine/catalogue';
import { CompiledRules } from '../../src/engine/compile';
import { fleetFromFixture } from '../support/fixture-fleet';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../src/engine/load-rules';

const sshRule = JSON.parse(
  readFileSync(join(DEFAULT_RULES_DIR, 'hardening', 'esxi.ssh-disabled.json'), 'utf8'),
) as Record<string, unknown>;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A rules directory holding the given files (pack/file → JSON value or raw text). */
function rulesDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-rules-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadRules(dir);
  } catch (err) {
    if (err instanceof RuleLoadError) return err.problems;
    throw err;
  }
  throw new Error('expected the rules to be refused');
}

describe('loadRules', () => {
  it('refuses a misspelled property with the file path and the JSON path of the error', () => {
    const { remediation, ...rest } = sshRule;
    const dir = rulesDir({ 'hardening/esxi.ssh-disabled.json': { ...rest, remediaton: remediation } });
    const problems = problemsOf(dir);
    expect(problems.join('\n')).toMatch(
      /hardening[/\\]esxi\.ssh-disabled\.json: \/ must NOT have additional properties "remediaton"/,
    );
    expect(problems.join('\n')).toMatch(/must have required property 'remediation'/);
  });

  it('refuses an unknown operator deep in the conditions, naming its JSON path', () => {
    const bad = structuredClone(sshRule) as { conditions: { any: { operator: string }[] } };
    bad.conditions.any[1]!.operator = 'inn';
    const problems = problemsOf(rulesDir({ 'hardening/esxi.ssh-disabled.json': bad }));
    expect(problems[0]).toMatch(
      /esxi\.ssh-disabled\.json: \/conditions\/any\/1\/operator must be equal to one of the allowed values/,
    );
  });

  it('treats a fact no code defines as an error, not a pass', () => {
    const bad = structuredClone(sshRule) as { conditions: { any: { fact: string }[] } };
    bad.conditions.any[0]!.fact = 'serviceRuning';
    const problems = problemsOf(rulesDir({ 'hardening/esxi.ssh-disabled.json': bad }));
    expect(problems).toEqual([
      expect.stringMatching(/\/conditions\/any\/0\/fact unknown fact "serviceRuning" for resource type host/),
    ]);
  });

  it('refuses a missing fact parameter and a param reference nobody defines', () => {
    const bad = structuredClone(sshRule) as { conditions: { any: Record<string, unknown>[] } };
    delete bad.conditions.any[0]!.params;
    bad.conditions.any[1]!.value = { param: 'policies' };
    const problems = problemsOf(rulesDir({ 'hardening/esxi.ssh-disabled.json': bad })).join('\n');
    expect(problems).toMatch(/\/conditions\/any\/0\/params fact "serviceRunning" needs param "name"/);
    expect(problems).toMatch(/\/conditions\/any\/1\/value refers to param "policies"/);
  });

  it('refuses a file whose name is not its rule id, and reports every bad file, not only the first', () => {
    const problems = problemsOf(
      rulesDir({
        'hardening/esxi.ssh-off.json': sshRule,
        'hardening/broken.json': '{ "id": ',
        'perimeter/x.ok.json': { ...sshRule, id: 'x.ok', severity: 'urgent' },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/esxi\.ssh-off\.json: \/id "esxi\.ssh-disabled" does not match the file name/);
    expect(problems.join('\n')).toMatch(/broken\.json: \/ is not valid JSON/);
    expect(problems.join('\n')).toMatch(
      /x\.ok\.json: \/severity must be equal to one of the allowed values: critical, high, medium, low, info/,
    );
  });

  it('refuses an SCG id that is not in the catalogue and a STIG id the catalogue does not map to the control', () => {
    const unknown = { ...sshRule, controls: [{ framework: 'vsphere-8-scg', id: 'esxi-8.deactivate-sssh' }] };
    expect(problemsOf(rulesDir({ 'hardening/esxi.ssh-disabled.json': unknown }))[0]).toMatch(
      /"esxi-8\.deactivate-sssh" is not in the vSphere 8 SCG catalogue/,
    );
    const wrongStig = {
      ...sshRule,
      controls: [
        { framework: 'vsphere-8-scg', id: 'esxi-8.deactivate-ssh' },
        { framework: 'disa-stig', id: 'ESXI-80-000999' },
      ],
    };
    expect(problemsOf(rulesDir({ 'hardening/esxi.ssh-disabled.json': wrongStig }))[0]).toMatch(
      /disa-stig ESXI-80-000999 is not mapped to esxi-8\.deactivate-ssh/,
    );
  });

  it('refuses a profile that overrides a param the rule does not declare', () => {
    const lockout = JSON.parse(
      readFileSync(join(DEFAULT_RULES_DIR, 'hardening', 'esxi.account-lockout.json'), 'utf8'),
    ) as Record<string, unknown>;
    const bad = { ...lockout, profiles: { stig: { maximum: 3 } } };
    expect(problemsOf(rulesDir({ 'hardening/esxi.account-lockout.json': bad }))[0]).toMatch(
      /\/profiles\/stig\/maximum overrides "maximum", which is not in \/params/,
    );
  });

  it('refuses a missing or empty rules directory instead of reporting a clean audit', () => {
    expect(problemsOf(join(tmpdir(), 'hyperaudit-no-such-dir'))[0]).toMatch(
      /cannot read the rules directory \(ENOENT\)/,
    );
    expect(problemsOf(rulesDir({}))[0]).toMatch(/no rule files/);
  });

  it('fills DISA STIG ids in from the SCG catalogue', () => {
    const rule = loadRules(DEFAULT_RULES_DIR).find((r) => r.id === 'esxi.ssh-disabled')!;
    expect(rule.controls).toEqual([
      { framework: 'vsphere-8-scg', id: 'esxi-8.deactivate-ssh' },
      { framework: 'disa-stig', id: 'ESXI-80-000193' },
    ]);
  });
});

describe('SCG catalogue', () => {
  it('knows every vSphere 8 SCG id a hardening rule cites', () => {
    const catalogue = loadCatalogue();
    const cited = loadRules(DEFAULT_RULES_DIR)
      .filter((r) => r.category === 'hardening')
      .flatMap((r) => r.controls.filter((c) => c.framework === 'vsphere-8-scg').map((c) => c.id));
    expect(cited.length).toBeGreaterThanOrEqual(40);
    expect(cited.filter((id) => !catalogue.has(id))).toEqual([]);
  });

  it('reads multi-line quoted fields and the STIG mapping column', () => {
    const c = loadCatalogue().get('esxi-8.account-lockout')!;
    expect(c.parameter).toBe('Security.AccountLockFailures');
    expect(c.suggested).toBe('5');
    expect(c.stigRequirement).toBe('3');
    expect(c.stigIds).toEqual(['ESXI-80-000005']);
  });
});

describe('profiles', () => {
  const host = (failures: number | undefined) => ({
    hosts: [
      {
        id: 'esx-01',
        hypervisor: { vendor: 'vmware' },
        ...(failures !== undefined && { settings: { 'Security.AccountLockFailures': failures } }),
      },
    ],
    subject: 'esx-01',
  });
  const fires = (profile: 'scg' | 'stig', failures: number | undefined) => {
    const rules = loadRules(DEFAULT_RULES_DIR, { profile }).filter((r) => r.id === 'esxi.account-lockout');
    return new CompiledRules(rules).evaluate(indexFleet(fleetFromFixture(host(failures)))).hits.length > 0;
  };

  it('checks the STIG value where it is stricter than the SCG baseline', () => {
    expect(fires('scg', 4)).toBe(false);
    expect(fires('stig', 4)).toBe(true);
    expect(fires('stig', 3)).toBe(false);
  });

  it('judges an unset setting by its installation default, per profile', () => {
    // Default 5 meets the SCG baseline (5) but not the STIG (3).
    expect(fires('scg', undefined)).toBe(false);
    expect(fires('stig', undefined)).toBe(true);
  });

  it('says in the evidence when a finding rests on an assumed installation default', () => {
    const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'stig' }).filter((r) => r.id === 'esxi.account-lockout');
    const [hit] = new CompiledRules(rules).evaluate(indexFleet(fleetFromFixture(host(undefined)))).hits;
    expect(hit?.evidence).toEqual({
      'setting:Security.AccountLockFailures': 5,
      'settingReported:Security.AccountLockFailures': false,
    });
  });

  describe('a hostile rules folder', () => {
    const withOperator = (operator: string) => ({
      ...sshRule,
      conditions: { all: [{ fact: 'serviceRunning', params: { name: 'TSM-SSH' }, operator, value: true }] },
    });

    it('is validated against the shipped schema even when it brings its own permissive one', () => {
      const dir = rulesDir({ 'rule.schema.json': {}, 'hardening/esxi.ssh-disabled.json': withOperator('constructor') });
      const problems = problemsOf(dir);
      expect(problems).toEqual([
        expect.stringMatching(
          /esxi\.ssh-disabled\.json: \/conditions\/all\/0\/operator must be equal to one of the allowed values/,
        ),
      ]);
    });

    it('refuses a __proto__ operator with a message instead of crashing the audit', () => {
      const dir = rulesDir({ 'rule.schema.json': {}, 'hardening/esxi.ssh-disabled.json': withOperator('__proto__') });
      expect(problemsOf(dir)[0]).toMatch(/\/conditions\/all\/0\/operator/);
    });

    it('never resolves an operator name to an Object.prototype member in the evaluator', () => {
      const rule = loadRules(DEFAULT_RULES_DIR).find((r) => r.id === 'esxi.ssh-disabled')!;
      for (const operator of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const forged = {
          ...rule,
          conditions: { all: [{ fact: 'serviceRunning', params: { name: 'TSM-SSH' }, operator, value: true }] },
        };
        expect(() => new CompiledRules([forged as typeof rule])).toThrow(/unknown operator/);
      }
    });

    it('does not follow a rule file that links outside the folder, and quotes no content of it', () => {
      const outside = rulesDir({ 'x/secret.json': 'AWS_SECRET_ACCESS_KEY=abc123 not json' });
      const dir = rulesDir({ 'hardening/esxi.ssh-disabled.json': sshRule });
      symlinkSync(join(outside, 'x', 'secret.json'), join(dir, 'hardening', 'leak.json'));
      const problems = problemsOf(dir);
      expect(problems).toEqual([expect.stringMatching(/leak\.json: not a regular file/)]);
      expect(problems.join('\n')).not.toContain('abc123');
    });

    it("does not quote a rule file's text in a JSON syntax error", () => {
      const dir = rulesDir({ 'hardening/bad.json': 'SLACK_WEBHOOK=https://hooks.example/secret' });
      const problems = problemsOf(dir);
      expect(problems[0]).toMatch(/bad\.json: \/ is not valid JSON/);
      expect(problems.join('\n')).not.toContain('hooks.example');
    });

    it('refuses a rule file over the size limit without reading it', () => {
      const dir = rulesDir({ 'hardening/huge.json': `{"pad": "${'x'.repeat(1024 * 1024)}"}` });
      expect(problemsOf(dir)).toEqual([expect.stringMatching(/huge\.json: \d+ bytes, over the 1048576-byte limit/)]);
    });
  });
});
