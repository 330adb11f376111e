import { describe, expect, it } from 'vitest';
import { planSection, toPlanView } from '../../src/report/html/plan-view';

const stored = {
  kind: 'hyperaudit.plan',
  goal: 'fix',
  generatedAt: '2026-11-26T00:00:00.000Z',
  steps: [
    {
      step: 1,
      vmName: '<img src=x onerror=alert(1)>',
      fromHostId: 'h1',
      toHostId: 'h2',
      reason: 'perimeter on vm-1',
      command: "govc vm.migrate -host h2 '<img src=x onerror=alert(1)>'",
    },
  ],
  maintenance: [],
  unresolved: [
    { kind: 'n-plus-one', subject: 'c1', detail: 'short', reason: 'no live migration from proxmox to vmware' },
  ],
  verification: {
    findingsBefore: 5,
    findingsAfter: 4,
    cleared: [{ ruleId: 'perimeter.vm-placement-outside', resourceId: 'vm-1', severity: 'high' }],
    added: [],
    simulation: {
      before: { energyKWh: 10, antiAffinityViolations: 1 },
      after: { energyKWh: 9, antiAffinityViolations: 0 },
    },
  },
};

describe('the report plan section', () => {
  it('shows the stored plan with every inventory string escaped', () => {
    const html = planSection(toPlanView(stored));
    expect(html).toContain('<h2>Planned fixes</h2>');
    expect(html).toContain('clears 1 finding(s) and adds 0 (5 → 4)');
    expect(html).toContain('no live migration from proxmox to vmware');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('renders nothing for a missing or malformed stored plan', () => {
    expect(planSection(toPlanView(undefined))).toBe('');
    expect(planSection(toPlanView({ ...stored, steps: 'nope' }))).toBe('');
  });
});
