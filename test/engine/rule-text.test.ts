import { fixedClock } from '../../src/model/ports/clock';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../src/engine/load-rules';
import { formatSarif } from '../../src/report/formats/sarif';
import { MemoryStore } from '../../src/store/memory-store';

// Issue 16: rule text showed `params.min..params.max` literally; it now reads the values in force.
const rule = (id: string, opts: Parameters<typeof loadRules>[1] = {}) =>
  loadRules(DEFAULT_RULES_DIR, opts).find((r) => r.id === id)!;
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-rule-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rule text renders the parameters in force', () => {
  it('no shipped rule shows a raw params.x or {{x}} in any text, under either profile', () => {
    for (const profile of ['scg', 'stig'] as const)
      for (const r of loadRules(DEFAULT_RULES_DIR, { profile }))
        for (const text of [r.title, r.description ?? '', r.rationale, r.remediation])
          expect(text, `${profile} ${r.id}`).not.toMatch(/params\.\w|\{\{/);
  });

  it('renders the profile value, a --params override, and ±MAX_SAFE_INTEGER as no bound', () => {
    expect(rule('esxi.account-lockout').rationale).toContain('range in force is 1..5');
    expect(rule('esxi.account-lockout', { profile: 'stig' }).rationale).toContain('range in force is 3..3');
    const site = rule('esxi.account-lockout', { paramOverrides: { 'esxi.account-lockout': { max: 4 } } });
    expect(site.rationale).toContain('range in force is 1..4');
    expect(rule('vm.setinfo-size-limit').rationale).toContain('range in force is -∞..1048576');
    expect(rule('esxi.account-unlock-time').rationale).toContain('range in force is 900..∞');
    const patch = rule('esxi.patch-level', {
      paramOverrides: { 'esxi.patch-level': { minBuildRelease: 'ESXi 8.0 U3f' } },
    });
    expect(patch.rationale).toContain('in force is 24674464 (ESXi 8.0 U3f, released 2025-04-10)');
  });

  it('findings and every format built from them carry the rendered text (one substitution, at load)', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      {
        id: 'h',
        time: '2026-11-01T00:00:00Z',
        type: 'host.upsert',
        host: { id: 'esx-1', hypervisor: { vendor: 'vmware' }, settings: { 'Security.AccountLockFailures': 9 } },
      },
    ]);
    const rules = loadRules(DEFAULT_RULES_DIR, { paramOverrides: { 'esxi.account-lockout': { max: 8 } } }).filter(
      (r) => r.id === 'esxi.account-lockout',
    );
    const result = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules });
    expect(result.findings[0]?.rationale).toContain('range in force is 1..8');
    const sarif = formatSarif(result);
    expect(sarif).toContain('range in force is 1..8');
    expect(sarif).not.toContain('params.');
  });

  it('refuses a rule whose text names a param it does not define', () => {
    const pack = join(dir, 'rules', 'custom');
    mkdirSync(pack, { recursive: true });
    const shipped = JSON.parse(
      readFileSync(join(DEFAULT_RULES_DIR, 'sprawl', 'sprawl.idle-vm.json'), 'utf8'),
    ) as Record<string, unknown>;
    shipped.remediation = 'Raise {{maxCpuAvgPcnt}} if quiet VMs are expected.';
    shipped.$schema = undefined;
    writeFileSync(join(pack, 'sprawl.idle-vm.json'), JSON.stringify(shipped));
    expect(() => loadRules(join(dir, 'rules'))).toThrow(RuleLoadError);
    expect(() => loadRules(join(dir, 'rules'))).toThrow(/\/remediation refers to \{\{maxCpuAvgPcnt\}\}/);
  });
});
