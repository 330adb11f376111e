import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/app/report';
import { MemoryStore } from '../../src/store/memory-store';
import { emptyFleet } from '../../src/model/fleet';
import { buildReportData } from '../../src/report/html/build-report-data';
import { toPlanView } from '../../src/report/html/plan-view';
import { renderReportHtml } from '../../src/report/html/render-html';

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

/** The page's "Planned fixes" section as renderReport builds it: the stored plan read by toPlanView, then rendered. */
function planSectionOf(raw: unknown): string | undefined {
  const data = buildReportData({
    generatedAt: '2026-11-27T00:00:00.000Z',
    findings: [],
    fleet: emptyFleet(),
    trend: [],
  });
  const plan = toPlanView(raw);
  if (plan) data.plan = plan;
  const page = renderReportHtml(data);
  const start = page.indexOf('<section id="plan">');
  return start < 0 ? undefined : page.slice(start, page.indexOf('</section>', start));
}

describe('the report plan section', () => {
  it('shows the stored plan with every inventory string escaped', () => {
    const html = planSectionOf(stored);
    expect(html).toContain('<h2>Planned fixes</h2>');
    expect(html).toContain('clears 1 finding(s) and adds 0 (5 → 4)');
    expect(html).toContain('no live migration from proxmox to vmware');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('renders nothing when no plan is stored', () => {
    expect(planSectionOf(undefined)).toBeUndefined();
  });

  it('refuses a stored plan of another shape, naming its key and field, rather than leaving the section out', async () => {
    const store = new MemoryStore();
    await store.putMeta('plan/latest', { ...stored, steps: 'nope' });
    await expect(renderReport(store, { now: new Date('2026-11-27T00:00:00.000Z'), formats: [] })).rejects.toThrow(
      'stored state plan/latest: steps: ',
    );
  });
});
