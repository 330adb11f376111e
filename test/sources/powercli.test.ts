import { describe, expect, it } from 'vitest';
import { collect, eventsOf, fixture, fleetOf, ignoredOf, only, rejectedOf } from './helpers';

const P = (f: string) => fixture('powercli', f);

describe('PowerCLI export normaliser', () => {
  it('reads Windows PowerShell 5.1 output (UTF-16LE with BOM) of host advanced settings as one upsert per host, scoped by the Uid', async () => {
    const out = await collect([P('vmhost-advancedsetting.ps51.json')]);
    expect(rejectedOf(out)).toEqual([]);
    const hosts = only(eventsOf(out), 'host.upsert').map((e) => e.host);
    expect(hosts.map((h) => [h.id, h.name])).toEqual([
      ['vc01.lab.local/host-21', 'esx01.lab.local'],
      ['vc01.lab.local/host-22', 'esx02.lab.local'],
    ]);
    expect(hosts[1]!.settings).toMatchObject({
      'UserVars.ESXiShellInteractiveTimeOut': 0,
      'Config.HostAgent.plugins.solo.enableMob': true,
      'Annotations.WelcomeMessage': '',
    });
    expect(Object.keys(hosts[0]!.settings ?? {})).toHaveLength(12);
  });

  it('reads Get-VMHostService output as host services, policy and running state per host', async () => {
    const out = await collect([P('vmhostservice.json')]);
    expect(rejectedOf(out)).toEqual([]);
    const fleet = fleetOf(eventsOf(out));
    expect(fleet.hosts.get('vc01.lab.local/host-21')?.services?.['TSM-SSH']).toEqual({ running: true, policy: 'on' });
    expect(fleet.hosts.get('vc01.lab.local/host-22')?.services?.['TSM-SSH']).toEqual({ running: false, policy: 'off' });
  });

  it('reads VM advanced settings (whole AdvancedSetting objects, UTF-8 with BOM) as VM settings', async () => {
    const out = await collect([P('vm-advancedsetting.json')]);
    expect(rejectedOf(out)).toEqual([]);
    const vms = only(eventsOf(out), 'vm.upsert').map((e) => e.vm);
    expect(vms).toEqual([
      {
        id: 'vc01.lab.local/vm-43',
        name: 'app01',
        settings: expect.objectContaining({ 'isolation.tools.copy.disable': 'TRUE' }),
      },
      {
        id: 'vc01.lab.local/vm-44',
        name: 'db01',
        settings: expect.objectContaining({ 'isolation.tools.copy.disable': 'FALSE' }),
      },
    ]);
  });

  it('reads the Export-Csv of services (Uid column) alone and of settings (names only) with --scope', async () => {
    const services = await collect([P('vmhostservice.csv')]);
    expect(rejectedOf(services)).toEqual([]);
    expect(fleetOf(eventsOf(services)).hosts.get('vc01.lab.local/host-21')?.services?.['TSM-SSH']).toEqual({
      running: true,
      policy: 'on',
    });
    const settings = await collect([P('vmhost-advancedsetting.csv')], { scope: 'vc01.lab.local' });
    expect(rejectedOf(settings)).toEqual([]);
    const host = fleetOf(eventsOf(settings)).hosts.get('vc01.lab.local/esx02.lab.local');
    expect(host?.settings).toMatchObject({
      'UserVars.ESXiShellInteractiveTimeOut': '0',
      'Config.HostAgent.plugins.solo.enableMob': 'True',
    });
  });

  it('refuses a settings CSV that names no server without --scope, naming the file and record', async () => {
    const out = await collect([P('vmhost-advancedsetting.csv')]);
    expect(eventsOf(out)).toEqual([]);
    expect(rejectedOf(out)[0]).toMatchObject({
      file: P('vmhost-advancedsetting.csv'),
      record: 'record 1',
      field: 'Entity',
      reason: expect.stringContaining('--scope'),
    });
  });

  it('rejects a record with a non-scalar Value by field, keeping every other setting of the host', async () => {
    const { normaliseRecord } = await import('../../src/sources/index');
    const entity = {
      Name: 'esx9',
      Id: 'HostSystem-host-9',
      Uid: '/VIServer=root@esx9.lab:443/VMHost=HostSystem-host-9/',
    };
    const out = [
      ...normaliseRecord(
        [
          { Entity: entity, Name: 'A.b', Value: 1 },
          { Entity: entity, Name: 'C.d', Value: [1, 2] },
          { Entity: entity, Name: 'E.f', Value: null },
        ],
        { file: 'x.json' },
        {
          snapshotTime: '2026-01-01T00:00:00Z',
        },
      ),
    ];
    expect(rejectedOf(out)).toEqual([expect.objectContaining({ record: 'record 2', field: 'Value' })]);
    expect(ignoredOf(out)).toEqual([expect.objectContaining({ record: 'record 3' })]);
    expect(only(eventsOf(out), 'host.upsert')[0]!.host).toEqual({
      id: 'esx9.lab/host-9',
      name: 'esx9',
      hypervisor: { vendor: 'vmware' },
      settings: { 'A.b': 1 },
    });
  });

  it('marks a whole services export complete for services only, so a service gone from the next export is gone, settings untouched', async () => {
    const { normaliseRecord } = await import('../../src/sources/index');
    const uid = '/VIServer=root@esx9.lab:443/VMHost=HostSystem-host-9/';
    const svc = (Key: string, Running: boolean) => ({
      VMHostId: 'HostSystem-host-9',
      VMHost: 'esx9',
      Key,
      Running,
      Policy: Running ? 'on' : 'off',
      Uid: `${uid}HostService=${Key}/`,
    });
    const setting = normaliseRecord(
      [{ Entity: { Name: 'esx9', Uid: uid }, Name: 'UserVars.DcuiTimeOut', Value: 600 }],
      { file: 's' },
      { snapshotTime: '2026-01-01T00:00:00Z' },
    );
    const first = normaliseRecord(
      [svc('TSM-SSH', true), svc('ntpd', true)],
      { file: 'a' },
      { snapshotTime: '2026-01-02T00:00:00Z' },
    );
    const second = normaliseRecord([svc('ntpd', true)], { file: 'b' }, { snapshotTime: '2026-01-03T00:00:00Z' });
    expect(only(eventsOf(first), 'host.upsert')[0]!.complete).toEqual({ fields: ['services'] });
    const host = fleetOf(eventsOf([...setting, ...second, ...first])).hosts.get('esx9.lab/host-9');
    expect(host?.services).toEqual({ ntpd: { running: true, policy: 'on' } });
    expect(host?.settings).toEqual({ 'UserVars.DcuiTimeOut': 600 });
  });

  it('never lets a setting named __proto__ become the prototype of the settings map', async () => {
    const { normaliseRecord } = await import('../../src/sources/index');
    const entity = { Name: 'esx9', Uid: '/VIServer=root@esx9.lab:443/VMHost=HostSystem-host-9/' };
    const out = normaliseRecord(
      JSON.parse(
        '[{"Entity":{"Name":"esx9","Uid":"/VIServer=root@esx9.lab:443/VMHost=HostSystem-host-9/"},"Name":"__proto__","Value":"x"}]',
      ),
      { file: 'p' },
      { snapshotTime: '2026-01-01T00:00:00Z' },
    );
    const settings = only(eventsOf(out), 'host.upsert')[0]!.host.settings ?? {};
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect((settings as Record<string, unknown>).length).toBeUndefined();
    expect(Object.entries(settings).filter(([, v]) => v !== 'x')).toEqual([]);
    expect(entity.Name).toBe('esx9');
  });
});
