import { describe, expect, it } from 'vitest';
import { collect, eventsOf, fixture, fleetOf } from './helpers';

describe('Nova compute hosts are scoped by region or cell (issue 15 item 1)', () => {
  it('keeps two regions’ compute hosts of the same name apart when each is ingested with its --scope', async () => {
    const files = [fixture('nova/service-update.json'), fixture('nova/instance-create-end.json')];
    const one = eventsOf(await collect(files, { scope: 'regionOne' }));
    const two = eventsOf(await collect(files, { scope: 'regionTwo' }));
    const fleet = fleetOf([...one, ...two]);
    const hostIds = [...fleet.hosts.keys()].sort();
    expect(hostIds).toHaveLength(2);
    expect(hostIds.every((id) => /^nova:region(One|Two)\//.test(id))).toBe(true);
    expect(new Set(hostIds.map((id) => fleet.hosts.get(id)?.name)).size).toBe(1);
    for (const vm of fleet.vms.values()) expect(vm.hostId).toMatch(/^nova:region(One|Two)\//);
  });

  it('leaves host ids bare without a scope, as before', async () => {
    const events = eventsOf(await collect([fixture('nova/service-update.json')]));
    expect(events.map((e) => (e.type === 'host.upsert' ? e.host.id : undefined))).not.toContain(
      expect.stringMatching(/^nova:/),
    );
  });
});
