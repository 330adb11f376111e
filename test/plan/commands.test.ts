import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { maintenanceCommand, migrationCommand, powershellQuote, shellQuote } from '../../src/plan/commands';
import type { PlanMove } from '../../src/plan/problem';
import { host, vm } from './small-fleet';

const move = (vmId: string, from: string, to: string): PlanMove => ({
  vmId,
  fromHostId: from,
  toHostId: to,
  reason: 'test',
  crossesPerimeterSets: false,
});

describe('operator commands', () => {
  it('prints govc or PowerCLI for vSphere', () => {
    const v = vm('vm-1', 'h1', { name: 'pay-api-01' });
    const a = host('h1');
    const b = host('h2');
    expect(migrationCommand(move('vm-1', 'h1', 'h2'), v, a, b, 'govc')).toEqual({
      tool: 'govc',
      command: 'govc vm.migrate -host h2.example.net pay-api-01',
    });
    expect(migrationCommand(move('vm-1', 'h1', 'h2'), v, a, b, 'powercli').command).toBe(
      "Move-VM -VM (Get-VM -Name 'pay-api-01') -Destination (Get-VMHost -Name 'h2.example.net')",
    );
  });

  it('prints the OpenStack client for Nova instances and virsh for plain libvirt domains', () => {
    const kvm = { hypervisor: { vendor: 'kvm' as const } };
    const nova = vm('d67463a6-becd-4b7e-aad3-bdba3a05c195', 'fra-kvm-02', { name: 'jupyter' });
    expect(
      migrationCommand(
        move(nova.id, 'fra-kvm-02', 'fra-kvm-08'),
        nova,
        host('fra-kvm-02', kvm),
        host('fra-kvm-08', kvm),
        'govc',
      ).command,
    ).toBe(
      'openstack --os-compute-api-version 2.30 server migrate --live-migration --host fra-kvm-08 d67463a6-becd-4b7e-aad3-bdba3a05c195',
    );
    const domain = vm('libvirt:kvm1/web', 'kvm1', { name: 'web' });
    expect(
      migrationCommand(move(domain.id, 'kvm1', 'kvm2'), domain, host('kvm1', kvm), host('kvm2', kvm), 'govc').command,
    ).toBe(
      'virsh -c qemu+ssh://kvm1.example.net/system migrate --live --persistent --undefinesource web qemu+ssh://kvm2.example.net/system',
    );
  });

  it('prints Move-VM for Hyper-V and the Proxmox API for Proxmox guests', () => {
    const hv = { hypervisor: { vendor: 'hyperv' as const } };
    const g = vm('286D8638-01B2-43EF-A462-273E18543B70', 'hv1', { name: 'intranet-web' });
    expect(migrationCommand(move(g.id, 'hv1', 'hv2'), g, host('hv1', hv), host('hv2', hv), 'govc').command).toBe(
      "Move-VM -Name 'intranet-web' -ComputerName 'hv1.example.net' -DestinationHost 'hv2.example.net'",
    );
    const pve = { hypervisor: { vendor: 'proxmox' as const } };
    const q = vm('qemu/124', 'pve03', { name: 'sandbox' });
    expect(
      migrationCommand(move(q.id, 'pve03', 'pve05'), q, host('pve03', pve), host('pve05', pve), 'govc').command,
    ).toBe('pvesh create /nodes/pve03/qemu/124/migrate --target pve05 --online 1');
    expect(maintenanceCommand(host('pve05', pve), 'govc').command).toBe(
      'ha-manager crm-command node-maintenance enable pve05',
    );
    expect(maintenanceCommand(host('h9'), 'govc').command).toBe('govc host.maintenance.enter h9.example.net');
  });

  it('quotes hostile names so the shell sees one word, and refuses names with control characters', () => {
    const evil = "x'; rm -rf / #$(id)`id`";
    const out = execFileSync('sh', ['-c', `printf '%s\\n' ${shellQuote(evil)}`], { encoding: 'utf8' });
    expect(out).toBe(`${evil}\n`);
    expect(powershellQuote("a'b\u2019c")).toBe("'a''b\u2019\u2019c'");
    const v = vm('vm-9', 'h1', { name: 'ok\nrm -rf /' });
    // The id is printable, so the command names the VM by id rather than by the multi-line name.
    expect(migrationCommand(move('vm-9', 'h1', 'h2'), v, host('h1'), host('h2'), 'govc').command).toBe(
      'govc vm.migrate -host h2.example.net vm-9',
    );
    const w = vm('vm\u001b[2J', 'h1', { name: '\u001b[31m' });
    expect(migrationCommand(move(w.id, 'h1', 'h2'), w, host('h1'), host('h2'), 'govc')).toMatchObject({ tool: 'none' });
  });
});
