import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseRvtools } from '../../src/sources/rvtools';
import type { Cell, Sheet } from '../../src/sources/rvtools-sheets';
import type { SourceOutcome } from '../../src/sources/types';
import { collect, eventsOf, fixture, fleetOf, only, rejectedOf } from './helpers';

describe('RVTools normaliser', () => {
  let dir: string;
  // Loading the workbook takes seconds on a busy machine; read it once for the tests that only inspect it.
  let example: SourceOutcome[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-rvtools-'));
    example = await collect([fixture('rvtools/example1.xlsx')]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('joins vInfo, vCPU, vMemory and vDisk rows of the xlsx into one upsert per VM, keyed by MoRef', async () => {
    const out = example;
    expect(rejectedOf(out)).toEqual([]);
    const events = eventsOf(out);
    expect(only(events, 'host.upsert')).toHaveLength(7);
    const vms = only(events, 'vm.upsert');
    expect(vms).toHaveLength(9);
    expect(vms.every((e) => e.time === '2025-10-23T13:14:57.000Z')).toBe(true);
    expect(vms[0]).toMatchObject({
      vm: {
        id: 'vm-89952',
        name: 'vm-1',
        hostId: '10.185.26.9',
        cluster: 'Cluster',
        datacenter: 'Datacenter',
        vcpus: 2,
        memoryMiB: 2048,
        powerState: 'poweredOff',
        guestOs: 'Amazon Linux 2 (64-bit)',
      },
    });
    expect(vms[0]!.vm.settings).toMatchObject({ firmware: 'efi' });
    // vm-9's vInfo row is cut short (no VM ID); vMemory names its MoRef, so the rows join.
    const vm9 = vms.find((e) => e.vm.name === 'vm-9')!;
    expect(vm9.vm).toMatchObject({
      id: 'vm-111122',
      vcpus: 18,
      memoryMiB: 40960,
      disks: [{ controller: 'scsi', sizeGiB: 100 }],
    });
    const host = only(events, 'host.upsert')[0]!.host;
    expect(host).toMatchObject({
      id: '10.17.135.71',
      cpu: { sockets: 2, coresPerSocket: 16, threadsPerCore: 2, mhz: 2295 },
      memoryMiB: 261797,
      maintenanceMode: false,
    });
  });

  it('gives identical event ids on a second ingest of the same export, so the store counts duplicates', async () => {
    const copy = join(dir, 'copy-of-example1.xlsx');
    await copyFile(fixture('rvtools/example1.xlsx'), copy);
    const first = eventsOf(example).map((e) => e.id);
    const second = eventsOf(await collect([copy])).map((e) => e.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('reads an older CSV export tab by tab, taking the time from the vMetaData tab and rejecting bad rows by column', async () => {
    const out = await collect([fixture('rvtools/csv')]);
    const events = eventsOf(out);
    expect(events.every((e) => e.time === '2024-11-15T09:30:00Z')).toBe(true);
    expect(rejectedOf(out).map((o) => [o.record, o.field])).toEqual([
      ['vInfo row 4', 'vInfo.CPUs'],
      ['vInfo row 5', 'vInfo.VM'],
    ]);
    const fleet = fleetOf(events);
    expect(fleet.vms.get('vm-201')).toMatchObject({
      name: 'app01',
      vcpus: 4,
      hostId: 'esx01.lab',
      nics: [{ network: 'prod-web' }, { network: 'backup' }],
      disks: [
        { controller: 'scsi', sizeGiB: 100 },
        { controller: 'nvme', sizeGiB: 50 },
      ],
    });
    expect(fleet.vms.has('vm-203')).toBe(false);
    expect(fleet.hosts.get('esx01.lab')).toMatchObject({
      hypervisor: { vendor: 'vmware', version: '7.0.3', build: '21930508' },
      ntpServers: ['ntp1.lab', 'ntp2.lab'],
    });
    expect(fleet.hosts.get('esx02.lab')?.maintenanceMode).toBe(true);
  });

  it('rejects an .xlsx that is not a zip, and one that is a broken zip, with a clear reason', async () => {
    const truncated = join(dir, 'truncated.xlsx');
    await writeFile(truncated, (await readFile(fixture('rvtools/example1.xlsx'))).subarray(0, 4000));
    const out = await collect([fixture('bad/not-really.xlsx'), truncated]);
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        source: 'rvtools',
        field: 'file',
        reason: 'not an xlsx workbook: the file is not a zip archive',
      }),
      expect.objectContaining({
        kind: 'rejected',
        source: 'rvtools',
        field: 'file',
        reason: expect.stringMatching(/^not a readable xlsx workbook/),
      }),
    ]);
  });

  it('falls back to the file modification time for a CSV tab without vMetaData', async () => {
    const lone = join(dir, 'lone');
    await mkdir(lone);
    await writeFile(join(lone, 'RVTools_tabvInfo.csv'), 'VM,CPUs,VM ID\nsolo,2,vm-1\n');
    const out = await collect([lone]);
    // The file's modification time stands in for the missing vMetaData (never the current clock).
    expect(eventsOf(out)).toHaveLength(1);
    expect(eventsOf(out)[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('reads the columns of a real RVTools 4.7.1 export by their exact header names', async () => {
    const { sheets } = JSON.parse(await readFile(fixture('rvtools/rvtools-4.7.1-columns.json'), 'utf8')) as {
      sheets: Record<string, { columns: string[] }>;
    };
    const values: Record<string, Record<string, Cell>> = {
      vInfo: {
        VM: 'db01',
        Powerstate: 'poweredOn',
        Template: 'False',
        CPUs: 8,
        Memory: 32768,
        'Network #1': 'prod-db',
        Path: '[ds-gold] db01/db01.vmx',
        Firmware: 'efi',
        'EFI Secure boot': 'True',
        Datacenter: 'DC1',
        Cluster: 'Cluster-A',
        Host: 'esx01.lab',
        'OS according to the configuration file': 'Red Hat Enterprise Linux 9 (64-bit)',
        'VM ID': 'vm-301',
        'VM UUID': '4210-301',
      },
      vCPU: { VM: 'db01', CPUs: 8, 'Hot Add': 'True', 'Hot Remove': 'False', 'VM ID': 'vm-301' },
      vMemory: { VM: 'db01', 'Size MiB': 32768, 'Hot Add': 'False', 'VM ID': 'vm-301' },
      vDisk: {
        VM: 'db01',
        Disk: 'Hard disk 1',
        'Capacity MiB': 204800,
        Controller: 'SCSI controller 0',
        'VM ID': 'vm-301',
      },
      vNetwork: { VM: 'db01', Network: 'prod-db', Adapter: 'Vmxnet3', 'Direct Path IO': 'False', 'VM ID': 'vm-301' },
      vHost: {
        Host: 'esx01.lab',
        Datacenter: 'DC1',
        Cluster: 'Cluster-A',
        'in Maintenance Mode': 'False',
        Speed: 2600,
        'HT Active': 'True',
        '# CPU': 2,
        'Cores per CPU': 16,
        '# Memory': 524288,
        'ESX Version': 'VMware ESXi 8.0.2 build-22380479',
        'NTP Server(s)': 'ntp1.lab',
        'Object ID': 'host-11',
      },
      vMetaData: { 'xlsx creation datetime': '2024/12/01 08:00:00' },
    };
    const input: Sheet[] = Object.entries(values).map(([name, row]) => {
      const columns = sheets[name]!.columns;
      for (const column of Object.keys(row)) expect(columns, `${name} has ${column}`).toContain(column);
      return { name, rows: [{ rowNumber: 2, cells: new Map(columns.map((c) => [c, row[c] ?? null])) }] };
    });
    const out = normaliseRvtools({ file: 'RVTools_export_all.xlsx', sheets: input });
    expect(rejectedOf(out)).toEqual([]);
    const [host, vm] = eventsOf(out);
    expect(host).toMatchObject({
      time: '2024-12-01T08:00:00Z',
      host: {
        id: 'host-11',
        name: 'esx01.lab',
        cpu: { sockets: 2, coresPerSocket: 16, threadsPerCore: 2, mhz: 2600 },
        memoryMiB: 524288,
        hypervisor: { version: '8.0.2', build: '22380479' },
        ntpServers: ['ntp1.lab'],
        maintenanceMode: false,
      },
    });
    expect(vm).toMatchObject({
      vm: {
        id: 'vm-301',
        name: 'db01',
        hostId: 'host-11',
        datastore: 'ds-gold',
        vcpus: 8,
        memoryMiB: 32768,
        powerState: 'poweredOn',
        nics: [{ network: 'prod-db', adapter: 'Vmxnet3', passthrough: false }],
        disks: [{ controller: 'scsi', sizeGiB: 200 }],
        settings: {
          firmware: 'efi',
          'uefi.secureBoot.enabled': true,
          'vcpu.hotadd': true,
          'vcpu.hotremove': false,
          'mem.hotadd': false,
        },
      },
    });
  });
});
