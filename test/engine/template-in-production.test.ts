import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { readSources } from '../../src/sources/read-sources';
import { MemoryStore } from '../../src/store/memory-store';

// Issue 15 item 12: templates in production perimeters, from the fields real sources report.
const RULE = 'sprawl.template-in-production';
const rules = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id === RULE);
const at = '2026-11-01T00:00:00Z';
/** Evidence of a fact with params other than key/name is keyed by the params' JSON. */
const EVIDENCE = 'productionPlacements{"words":"prod,production,prd"}';

async function eventsOf(files: string[], opts: Parameters<typeof readSources>[1] = {}): Promise<FleetEvent[]> {
  const out: FleetEvent[] = [];
  for await (const o of readSources(files, opts)) if (o.kind === 'event') out.push(o.event);
  return out;
}
const perimeter = (id: string, body: Record<string, unknown>): FleetEvent =>
  ({ id: `p-${id}`, time: at, type: 'perimeter.upsert', perimeter: { id, ...body } }) as FleetEvent;
const find = (findings: readonly Finding[], name: string) =>
  findings.find((f) => f.ruleId === RULE && f.resourceName === name);

describe('sprawl.template-in-production', () => {
  it('finds the Proxmox template (`template: 1` in /cluster/resources) on a node a production perimeter admits', async () => {
    const events = await eventsOf(['test/fixtures/sources/proxmox/cluster-resources.json']);
    const tpl = events.find((e) => e.type === 'vm.upsert' && e.vm.name === 'tpl-debian');
    expect(tpl?.type === 'vm.upsert' && tpl.vm.labels?.template).toBe(true);
    const hostId = tpl?.type === 'vm.upsert' ? tpl.vm.hostId : undefined;
    expect(hostId).toBeDefined();
    const store = new MemoryStore();
    await store.putEvents([...events, perimeter('web', { name: 'Web production', allowedHosts: [hostId!] })]);
    const r = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules });
    const finding = find(r.findings, 'tpl-debian');
    expect(finding?.status).toBe('open');
    expect(finding?.evidence).toMatchObject({ [EVIDENCE]: ['perimeter:web'] });
    // web01 on the same node is a workload, not a template.
    expect(find(r.findings, 'web01')).toBeUndefined();
  });

  it('follows a perimeter declaration over its name: production: false clears it, production: true sets it', async () => {
    const events = await eventsOf(['test/fixtures/sources/proxmox/cluster-resources.json']);
    const tpl = events.find((e) => e.type === 'vm.upsert' && e.vm.name === 'tpl-debian');
    const hostId = tpl?.type === 'vm.upsert' ? tpl.vm.hostId! : '';
    const store = new MemoryStore();
    await store.putEvents([...events, perimeter('prod-lab', { production: false, allowedHosts: [hostId] })]);
    expect(
      find((await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules })).findings, 'tpl-debian'),
    ).toBeUndefined();
    await store.putEvents([perimeter('cde', { production: true, allowedHosts: [hostId] })]);
    const r = await runAudit({ store, clock: fixedClock('2026-11-03T00:00:00Z') }, { rules });
    expect(find(r.findings, 'tpl-debian')?.evidence[EVIDENCE]).toEqual(['perimeter:cde']);
  });

  it('reads the RVTools Template column: VMs on prod-* networks that are not templates pass', async () => {
    const events = await eventsOf(['test/fixtures/sources/rvtools/csv']);
    const app01 = events.find((e) => e.type === 'vm.upsert' && e.vm.name === 'app01' && e.vm.nics !== undefined);
    expect(app01?.type === 'vm.upsert' && app01.vm.nics?.map((n) => n.network)).toContain('prod-web');
    const store = new MemoryStore();
    await store.putEvents(events);
    const r = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules });
    expect(r.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    // The same VM as a template on that network is found, with the network as evidence.
    const vmId = app01?.type === 'vm.upsert' ? app01.vm.id : '';
    await store.putEvents([
      {
        id: 'as-template',
        time: '2026-12-01T00:00:00Z',
        type: 'vm.upsert',
        vm: { id: vmId, labels: { template: true } },
      },
    ]);
    const again = await runAudit({ store, clock: fixedClock('2026-12-02T00:00:00Z') }, { rules });
    expect(find(again.findings, 'app01')?.evidence[EVIDENCE]).toContain('network:prod-web');
  });

  it('takes the production words from --params', async () => {
    const custom = loadRules(DEFAULT_RULES_DIR, { paramOverrides: { [RULE]: { productionWords: 'live' } } }).filter(
      (r) => r.id === RULE,
    );
    const store = new MemoryStore();
    await store.putEvents([
      {
        id: 'v',
        time: at,
        type: 'vm.upsert',
        vm: { id: 'vm-1', name: 'golden', labels: { template: true }, nics: [{ network: 'live-net' }] },
      },
    ]);
    const r = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00Z') }, { rules: custom });
    expect(find(r.findings, 'golden')?.evidence['productionPlacements{"words":"live"}']).toEqual(['network:live-net']);
    expect(find(r.findings, 'golden')?.remediation).toContain('in force: live');
  });
});
