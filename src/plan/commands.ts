/**
 * The command an operator runs for each step, per platform: govc or PowerCLI for vSphere, the OpenStack
 * client for Nova instances (ids are instance UUIDs), virsh for plain libvirt, Hyper-V's Move-VM, and
 * Proxmox's API through pvesh. Names come from inventory, i.e. from whoever named the VM: they are quoted
 * for the shell that runs the command, and a name with control characters is never printed.
 */
import type { HostView, VmView } from '../model/fleet';
import type { PlanMove } from './problem';

export type VmwareTool = 'govc' | 'powercli';

export interface StepCommand {
  tool: 'govc' | 'powercli' | 'openstack' | 'virsh' | 'hyperv' | 'pvesh' | 'none';
  command: string;
}

const SAFE_SHELL = /^[A-Za-z0-9._/:@%+=,-]+$/;
// Printable text only: a newline or escape in a name would split or disguise the command.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return SAFE_SHELL.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell single-quoting; PowerShell also closes a string on the typographic single quotes. */
export function powershellQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROXMOX_ID = /(?:^|\/)(?:qemu|lxc)\/(\d+)$/;

function printable(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((c) => c !== undefined && c.length > 0 && !CONTROL.test(c));
}

function unprintable(what: string, id: string): StepCommand {
  return { tool: 'none', command: `# ${what} ${JSON.stringify(id)} has no printable name: move it by hand` };
}

export function migrationCommand(
  move: PlanMove,
  vm: VmView,
  from: HostView,
  to: HostView,
  vmwareTool: VmwareTool,
): StepCommand {
  const vendor = to.hypervisor?.vendor ?? from.hypervisor?.vendor;
  const vmName = printable(vm.name, vm.id);
  const toName = printable(to.name, to.id);
  const fromName = printable(from.name, from.id);
  if (vmName === undefined) return unprintable('VM', move.vmId);
  if (toName === undefined || fromName === undefined)
    return unprintable('host', toName === undefined ? to.id : from.id);
  switch (vendor) {
    case 'vmware':
      return vmwareTool === 'govc'
        ? { tool: 'govc', command: `govc vm.migrate -host ${shellQuote(toName)} ${shellQuote(vmName)}` }
        : {
            tool: 'powercli',
            command: `Move-VM -VM (Get-VM -Name ${powershellQuote(vmName)}) -Destination (Get-VMHost -Name ${powershellQuote(toName)})`,
          };
    case 'kvm': {
      if (UUID.test(vm.id)) {
        // Nova knows compute hosts by their service host name: the id the Nova source stores.
        const host = printable(to.id);
        if (host === undefined) return unprintable('host', to.id);
        return {
          tool: 'openstack',
          command: `openstack --os-compute-api-version 2.30 server migrate --live-migration --host ${shellQuote(host)} ${vm.id}`,
        };
      }
      return {
        tool: 'virsh',
        command: `virsh -c ${shellQuote(`qemu+ssh://${fromName}/system`)} migrate --live --persistent --undefinesource ${shellQuote(vmName)} ${shellQuote(`qemu+ssh://${toName}/system`)}`,
      };
    }
    case 'hyperv':
      return {
        tool: 'hyperv',
        command: `Move-VM -Name ${powershellQuote(vmName)} -ComputerName ${powershellQuote(fromName)} -DestinationHost ${powershellQuote(toName)}`,
      };
    case 'proxmox': {
      const vmid = PROXMOX_ID.exec(vm.id)?.[1];
      const node = printable(from.id);
      const target = printable(to.id);
      if (vmid === undefined)
        return { tool: 'none', command: `# ${JSON.stringify(vm.id)} is not a Proxmox qemu/lxc id: move it by hand` };
      if (node === undefined || target === undefined) return unprintable('host', from.id);
      const kind = /(?:^|\/)lxc\//.test(vm.id) ? 'lxc' : 'qemu';
      return {
        tool: 'pvesh',
        command: `pvesh create ${shellQuote(`/nodes/${node}/${kind}/${vmid}/migrate`)} --target ${shellQuote(target)} ${kind === 'qemu' ? '--online 1' : '--restart 1'}`,
      };
    }
    default:
      return {
        tool: 'none',
        command: `# ${JSON.stringify(vmName)} → ${JSON.stringify(toName)}: hypervisor unknown, move it by hand`,
      };
  }
}

/** What takes an emptied host out of service on its platform (energy goal). */
export function maintenanceCommand(host: HostView, vmwareTool: VmwareTool): StepCommand {
  const name = printable(host.name, host.id);
  if (name === undefined) return unprintable('host', host.id);
  switch (host.hypervisor?.vendor) {
    case 'vmware':
      return vmwareTool === 'govc'
        ? { tool: 'govc', command: `govc host.maintenance.enter ${shellQuote(name)}` }
        : {
            tool: 'powercli',
            command: `Set-VMHost -VMHost (Get-VMHost -Name ${powershellQuote(name)}) -State Maintenance`,
          };
    case 'kvm': {
      const id = printable(host.id);
      if (id === undefined) return unprintable('host', host.id);
      return {
        tool: 'openstack',
        command: `openstack compute service set --disable --disable-reason 'hyperaudit plan: energy' ${shellQuote(id)} nova-compute`,
      };
    }
    case 'hyperv':
      return { tool: 'hyperv', command: `Suspend-ClusterNode -Name ${powershellQuote(name)} -Drain` };
    case 'proxmox': {
      const id = printable(host.id);
      if (id === undefined) return unprintable('host', host.id);
      return { tool: 'pvesh', command: `ha-manager crm-command node-maintenance enable ${shellQuote(id)}` };
    }
    default:
      return { tool: 'none', command: `# put ${JSON.stringify(name)} in maintenance by hand: hypervisor unknown` };
  }
}
