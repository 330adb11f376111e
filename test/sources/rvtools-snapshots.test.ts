import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseRvtools } from '../../src/sources/rvtools';
import type { Cell, Sheet } from '../../src/sources/rvtools-sheets';
import { eventsOf, fixture, fleetOf, only, rejectedOf } from './helpers';

// Rows use the exact headers of a real RVTools 4.7.1 export (fixture rvtools-4.7.1-columns.json, see its README).
let columns: Record<string, { columns: string[] }>;
beforeAll(async () => {
  columns = (
    JSON.parse(await readFile(fixture('rvtools/rvtools-4.7.1-columns.json'), 'utf8')) as { sheets: typeof columns }
  ).sheets;
});

type Rows = Record<string, Record<string, Cell>[]>;
function sheets(rows: Rows): Sheet[] {
  return Object.entries(rows).map(([name, list]) => {
    const cols = columns[name]!.columns;
    for (const row of list) for (const c of Object.keys(row)) expect(cols, `${name} has ${c}`).toContain(c);
    return {
      name,
      rows: list.map((row, i) => ({ rowNumber: i + 2, cells: new Map(cols.map((c) => [c, row[c] ?? null])) })),
    };
  });
}

const server = { 'VI SDK Server': 'vc01.lab' };
const host = {
  Host: 'esx01.lab',
  'Object ID': 'host-11',
  Datacenter: 'DC1',
  Cluster: 'Cluster-A',
  '# CPU': 2,
  'Cores per CPU': 16,
  Speed: 2600,
  '# Memory': 524288,
  'ESX Version': 'VMware ESXi 8.0.2 build-22380479',
  ...server,
};
const vinfo = (vm: string, id: string) => ({
  VM: vm,
  'VM ID': id,
  Powerstate: 'poweredOn',
  CPUs: 4,
  Memory: 8192,
  Host: 'esx01.lab',
  ...server,
});
const nic = (vm: string, id: string, network: string, passthrough: boolean) => ({
  VM: vm,
  'VM ID': id,
  Network: network,
  Adapter: 'Vmxnet3',
  'Direct Path IO': passthrough ? 'True' : 'False',
  ...server,
});
const meta = (time: string) => ({ 'xlsx creation datetime': time, Server: 'vc01.lab' });

describe('RVTools exports as full snapshots', () => {
  it('a later workbook removes the NIC and the VM the vCenter no longer has', () => {
    const day1 = normaliseRvtools({
      file: 'day1.xlsx',
      whole: true,
      sheets: sheets({
        vHost: [host],
        vInfo: [vinfo('db01', 'vm-301'), vinfo('app01', 'vm-302')],
        vNetwork: [
          nic('db01', 'vm-301', 'prod-db', false),
          nic('db01', 'vm-301', 'storage', true),
          nic('app01', 'vm-302', 'prod-app', false),
        ],
        vMetaData: [meta('2024/12/01 08:00:00')],
      }),
    });
    const day2 = normaliseRvtools({
      file: 'day2.xlsx',
      whole: true,
      sheets: sheets({
        vHost: [host],
        vInfo: [vinfo('db01', 'vm-301')],
        vNetwork: [nic('db01', 'vm-301', 'prod-db', false)],
        vMetaData: [meta('2024/12/02 08:00:00')],
      }),
    });
    expect(rejectedOf([...day1, ...day2])).toEqual([]);
    const inventory = only(eventsOf(day2), 'inventory.snapshot');
    expect(inventory).toHaveLength(1);
    expect(inventory[0]!.snapshot).toEqual({
      scope: { source: 'vcenter', instance: 'vc01.lab' },
      hosts: ['host-11'],
      vms: ['vm-301'],
    });
    const vm = only(eventsOf(day2), 'vm.upsert')[0]!;
    expect(vm.scope).toEqual({ source: 'vcenter', instance: 'vc01.lab' });
    // settings and labels are never claimed: RVTools reads a few keys of maps other producers fill.
    expect(vm.complete).toEqual({
      fields: [
        'cluster',
        'datacenter',
        'datastore',
        'guestOs',
        'hostId',
        'memoryMiB',
        'name',
        'nics',
        'powerState',
        'vcpus',
      ],
    });

    const fleet = fleetOf(eventsOf([...day2, ...day1]));
    expect([...fleet.vms.keys()]).toEqual(['vm-301']);
    expect(fleet.vms.get('vm-301')?.nics).toEqual([{ network: 'prod-db', adapter: 'Vmxnet3', passthrough: false }]);
    expect(fleet.hosts.has('host-11')).toBe(true);
  });

  it('a single CSV tab claims only its own fields and lists no inventory', () => {
    const before = normaliseRvtools({
      file: 'day1.xlsx',
      whole: true,
      sheets: sheets({
        vInfo: [vinfo('db01', 'vm-301')],
        vNetwork: [nic('db01', 'vm-301', 'prod-db', false), nic('db01', 'vm-301', 'storage', true)],
        vMetaData: [meta('2024/12/01 08:00:00')],
      }),
    });
    const tab = normaliseRvtools({
      file: 'RVTools_tabvNetwork.csv',
      sheets: sheets({ vNetwork: [nic('db01', 'vm-301', 'prod-db', false)], vMetaData: [meta('2024/12/02 08:00:00')] }),
    });
    expect(only(eventsOf(tab), 'inventory.snapshot')).toEqual([]);
    expect(only(eventsOf(tab), 'vm.upsert')[0]!.complete).toEqual({ fields: ['nics'] });
    const vm = fleetOf(eventsOf([...before, ...tab])).vms.get('vm-301')!;
    expect(vm.nics).toEqual([{ network: 'prod-db', adapter: 'Vmxnet3', passthrough: false }]);
    expect(vm).toMatchObject({ vcpus: 4, memoryMiB: 8192, powerState: 'poweredOn' });
  });

  it('lists a VM whose row was rejected, so a bad cell never removes it', () => {
    const out = normaliseRvtools({
      file: 'day1.xlsx',
      whole: true,
      sheets: sheets({
        vInfo: [vinfo('db01', 'vm-301'), { ...vinfo('app01', 'vm-302'), CPUs: 'four' }],
        vMetaData: [meta('2024/12/01 08:00:00')],
      }),
    });
    expect(rejectedOf(out).map((r) => r.field)).toEqual(['vInfo.CPUs']);
    expect(only(eventsOf(out), 'inventory.snapshot')[0]!.snapshot.vms).toEqual(['vm-301', 'vm-302']);
  });

  it('says nothing about a kind whose tab is missing from the workbook', () => {
    const out = normaliseRvtools({
      file: 'hosts-only.xlsx',
      whole: true,
      sheets: sheets({ vHost: [host], vMetaData: [meta('2024/12/01 08:00:00')] }),
    });
    expect(only(eventsOf(out), 'inventory.snapshot')[0]!.snapshot).toEqual({
      scope: { source: 'vcenter', instance: 'vc01.lab' },
      hosts: ['host-11'],
    });
  });
});
