import { describe, expect, it } from 'vitest';
import { collect, eventsOf, fixture, fleetOf, only, rejectedOf } from './helpers';

const GOVC = (f: string) => fixture('govc', f);

describe('govc export normaliser', () => {
  it('reads object.collect of hosts as hosts scoped to the vCenter given with --scope, CPU topology included', async () => {
    const out = await collect([GOVC('object-collect-hosts.json')], { scope: 'vc01.example.net' });
    expect(rejectedOf(out)).toEqual([]);
    const hosts = only(eventsOf(out), 'host.upsert').map((e) => e.host);
    expect(hosts.map((h) => h.id)).toEqual([
      'vc01.example.net/host-21',
      'vc01.example.net/host-34',
      'vc01.example.net/host-42',
    ]);
    expect(hosts[0]).toMatchObject({
      name: 'DC0_H0',
      hypervisor: { vendor: 'vmware', version: '6.5.0', build: '5969303' },
      cpu: { sockets: 2, coresPerSocket: 1, threadsPerCore: 1, mhz: 3591 },
      connectionState: 'connected',
      maintenanceMode: false,
    });
    expect(out.every((o) => o.source === 'govc')).toBe(true);
  });

  it('reads object.collect of VMs with their host, power state and extraConfig as settings', async () => {
    const out = await collect([GOVC('object-collect-vms.json')], { scope: 'vc01.example.net' });
    expect(rejectedOf(out)).toEqual([]);
    const vms = only(eventsOf(out), 'vm.upsert').map((e) => e.vm);
    expect(vms).toHaveLength(4);
    expect(vms[0]).toMatchObject({
      id: 'vc01.example.net/vm-48',
      name: 'DC0_H0_VM0',
      hostId: 'vc01.example.net/host-21',
      powerState: 'poweredOn',
      vcpus: 1,
      memoryMiB: 32,
      guestOs: 'otherGuest',
      settings: { govcsim: 'TRUE', 'isolation.tools.copy.disable': 'FALSE', 'isolation.tools.paste.disable': 'TRUE' },
    });
  });

  it('refuses object.collect output without --scope, naming the file and the missing instance', async () => {
    const out = await collect([GOVC('object-collect-vms.json')]);
    expect(eventsOf(out)).toEqual([]);
    expect(rejectedOf(out)[0]).toMatchObject({
      file: GOVC('object-collect-vms.json'),
      field: 'scope',
      reason: expect.stringContaining('--scope'),
    });
  });

  it('reads host.option.ls and host.service.ls of one host, named with --host, as its settings and services', async () => {
    const opts = { scope: 'vc01.example.net', host: 'host-34' };
    const out = await collect([GOVC('host-option-ls.DC0_C0_H0.json'), GOVC('host-service-ls.DC0_C0_H0.json')], opts);
    expect(rejectedOf(out)).toEqual([]);
    const fleet = fleetOf(eventsOf(out));
    const host = fleet.hosts.get('vc01.example.net/host-34');
    expect(host?.settings).toMatchObject({
      'UserVars.ESXiShellInteractiveTimeOut': '900',
      'Security.AccountLockFailures': '5',
    });
    expect(host?.services?.['TSM-SSH']).toEqual({ running: true, policy: 'on' });
    expect(host?.services?.TSM).toEqual({ running: false, policy: 'off' });
  });

  it('refuses a host list without --host rather than guessing whose settings they are', async () => {
    const out = await collect([GOVC('host-service-ls.DC0_C0_H0.json')]);
    expect(eventsOf(out)).toEqual([]);
    expect(rejectedOf(out)).toEqual([
      expect.objectContaining({ field: 'host', reason: expect.stringContaining('--host') }),
    ]);
  });

  it('takes a host name read straight from an ESXi as its own instance, and refuses a bare MoRef without --scope', async () => {
    const byName = await collect([GOVC('host-service-ls.DC0_C0_H0.json')], { host: 'esx01.lab.local' });
    expect(rejectedOf(byName)).toEqual([]);
    expect(only(eventsOf(byName), 'host.upsert')[0]!.host.id).toBe('esx01.lab.local/esx01.lab.local');
    const byMoref = await collect([GOVC('host-service-ls.DC0_C0_H0.json')], { host: 'host-34' });
    expect(rejectedOf(byMoref)).toEqual([
      expect.objectContaining({ field: 'scope', reason: expect.stringContaining('--scope') }),
    ]);
  });
});
