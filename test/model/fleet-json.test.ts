import { describe, expect, it } from 'vitest';
import { fleetFromJson, FleetJsonSchema, fleetToJson } from '../../src/model/fleet';
import { readClusterWork, refuseRunFile } from '../../src/model/run-files';
import { generateFleet } from '../support/generated-fleet';

describe('the fleet JSON codec', () => {
  it('reads back the fleet fleetToJson wrote, entity for entity', () => {
    const fleet = generateFleet({ hosts: 6, vmsPerHost: 3, hostsPerCluster: 3, seed: 7 });
    const json = JSON.parse(JSON.stringify(fleetToJson(fleet)));
    const back = fleetFromJson(FleetJsonSchema.parse(json));
    expect(fleetToJson(back)).toEqual(fleetToJson(fleet));
    expect([...back.vms.keys()].sort()).toEqual([...fleet.vms.keys()].sort());
  });

  it('refuses an entity without an id, naming the run file and the field', () => {
    const parsed = FleetJsonSchema.safeParse({ hosts: [{ name: 'h' }], vms: [], perimeters: [] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(() => refuseRunFile('runs/r/clusters/x.json', parsed.error)).toThrow(
      /^runs\/r\/clusters\/x\.json: hosts\.0\.id: /,
    );
  });

  it('a cluster work file whose fleet is damaged fails with its key and field', () => {
    const work = {
      clusterId: 'c1',
      window: { start: '2026-11-20T00:00:00Z', steps: 1, stepSeconds: 300 },
      fleet: { hosts: [], vms: [{}], perimeters: [] },
      placement: [],
    };
    expect(() => readClusterWork(work, 'runs/r/clusters/c1.json')).toThrow(
      /^runs\/r\/clusters\/c1\.json: fleet\.vms\.0\.id: /,
    );
  });
});
