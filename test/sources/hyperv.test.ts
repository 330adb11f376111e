import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../src/sources/index';
import { collect, eventsOf, fixture, fleetOf, only, rejectedOf } from './helpers';

const HV = fixture('hyperv');
const WEB = 'hv01/0b8e5ba8-6f6b-4c1a-9d0e-2f3c5a7d9e11';
const LEGACY = 'hv01/5d41402a-bc4b-4a76-b971-9d911017c592';

describe('Hyper-V PowerShell export normaliser', () => {
  it('joins Get-VMHost, Get-VM, adapters, firmware, security and integration services into hosts and VMs of the host', async () => {
    const out = await collect([HV]);
    expect(rejectedOf(out)).toEqual([]);
    const fleet = fleetOf(eventsOf(out));
    expect(fleet.hosts.get('hv01')).toMatchObject({
      name: 'HV01',
      hypervisor: { vendor: 'hyperv' },
      memoryMiB: 262144,
      settings: {
        EnableEnhancedSessionMode: true,
        VirtualMachineMigrationAuthenticationType: 'CredSSP',
        VirtualMachineMigrationEnabled: true,
      },
    });
    expect(fleet.vms.get(WEB)).toMatchObject({
      name: 'web01',
      hostId: 'hv01',
      powerState: 'poweredOn',
      vcpus: 4,
      memoryMiB: 4096,
      nics: [{ network: 'vSwitch-Prod', adapter: 'synthetic' }],
      settings: {
        Generation: 2,
        SecureBoot: 'Off',
        SecureBootTemplate: 'MicrosoftWindows',
        TpmEnabled: false,
        Shielded: false,
        'IntegrationService.Guest Service Interface': true,
      },
    });
    expect(fleet.vms.get(LEGACY)).toMatchObject({
      powerState: 'poweredOff',
      nics: [{ network: '(not connected)', adapter: 'legacy' }],
      settings: { Generation: 1 },
    });
  });

  it('reads enums given as names (ConvertTo-Json -EnumsAsStrings) the same as numbers', () => {
    const opts = { snapshotTime: '2026-01-01T00:00:00Z' };
    const asNumber = normaliseRecord(
      {
        VMName: 'a',
        VMId: '0b8e5ba8-6f6b-4c1a-9d0e-2f3c5a7d9e11',
        ComputerName: 'HV01',
        SecureBoot: 0,
        SecureBootTemplate: 'MicrosoftWindows',
      },
      { file: 'x' },
      opts,
    );
    const asName = normaliseRecord(
      {
        VMName: 'a',
        VMId: { Guid: '0B8E5BA8-6F6B-4C1A-9D0E-2F3C5A7D9E11' },
        ComputerName: 'HV01',
        SecureBoot: 'On',
        SecureBootTemplate: 'MicrosoftWindows',
      },
      { file: 'x' },
      opts,
    );
    expect(only(eventsOf(asNumber), 'vm.upsert')[0]!.vm).toEqual(only(eventsOf(asName), 'vm.upsert')[0]!.vm);
    expect(only(eventsOf(asName), 'vm.upsert')[0]!.vm.settings).toEqual({
      SecureBoot: 'On',
      SecureBootTemplate: 'MicrosoftWindows',
    });
  });

  it('rejects a record without a GUID VMId by field and keeps the others of the file', () => {
    const out = normaliseRecord(
      [
        { VMName: 'a', VMId: 'not-a-guid', ComputerName: 'HV01', TpmEnabled: true, Shielded: false },
        {
          VMName: 'b',
          VMId: '5d41402a-bc4b-4a76-b971-9d911017c592',
          ComputerName: 'HV01',
          TpmEnabled: true,
          Shielded: false,
        },
      ],
      { file: 'sec.json' },
      { snapshotTime: '2026-01-01T00:00:00Z', source: 'hyperv' },
    );
    expect(rejectedOf(out)).toEqual([expect.objectContaining({ file: 'sec.json', record: 'record 1', field: 'VMId' })]);
    expect(only(eventsOf(out), 'vm.upsert').map((e) => e.vm.id)).toEqual(['hv01/5d41402a-bc4b-4a76-b971-9d911017c592']);
  });

  it('scopes VMs to --scope (a failover cluster) instead of the host, so a migrated VM stays one VM', async () => {
    const out = await collect([`${HV}/vm.ps51.json`], { scope: 'cluster1.lab.local' });
    expect(only(eventsOf(out), 'vm.upsert').map((e) => [e.vm.id, e.vm.hostId])).toEqual([
      ['cluster1.lab.local/0b8e5ba8-6f6b-4c1a-9d0e-2f3c5a7d9e11', 'cluster1.lab.local/hv01'],
      ['cluster1.lab.local/5d41402a-bc4b-4a76-b971-9d911017c592', 'cluster1.lab.local/hv01'],
    ]);
  });
});
