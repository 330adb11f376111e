import type { HostView } from '../../model/fleet';
import type { HostContext, VmContext } from '../fleet-index';
import { boundedMemo } from '../../model/bounded-memo';

/**
 * What to collect so a fact that was not reported can be checked: the collector or export that reports it for
 * this resource's hypervisor. The wording names commands a user can run as they are (README, "Command line").
 */
const COLLECT_VSPHERE = '`hyperaudit collect vsphere --url https://<vcenter>/sdk --username <user>`';
const COLLECT_LIBVIRT = '`hyperaudit collect libvirt --connect <uri>`';
const COLLECT_PROXMOX = '`hyperaudit collect proxmox --url https://<pve>:8006 --token-id <id>`';

type Vendor = NonNullable<HostView['hypervisor']>['vendor'] | undefined;

function vendorOf(host: HostView | undefined): Vendor {
  return host?.hypervisor?.vendor;
}

/** ESXi advanced settings, qemu.conf options (KVM, Proxmox) or Hyper-V host settings. */
export function hostSettingHint(ctx: HostContext): string {
  switch (vendorOf(ctx.host)) {
    case 'kvm':
    case 'proxmox':
      return `qemu.conf options: ${COLLECT_LIBVIRT} --qemu-conf <copy of /etc/libvirt/qemu.conf>`;
    case 'hyperv':
      return `Hyper-V host settings: Get-VMHost | ConvertTo-Json, then hyperaudit ingest --source hyperv`;
    default:
      return ESXI_SETTINGS_HINT;
  }
}

/*
 * The texts every unverified VM or host of a vSphere fleet is given, made once: the evaluation compares a hit's
 * lists of what to collect with the lists it already holds (src/engine/compile.ts), and the same string object again
 * compares at once, where a text built anew per hit was built and then compared character by character.
 */
const ESXI_SETTINGS_HINT = `ESXi advanced settings: ${COLLECT_VSPHERE}, or PowerCLI Get-VMHost | Get-AdvancedSetting | Select Entity,Name,Value | ConvertTo-Json, then hyperaudit ingest`;
const VMX_KEYS_HINT = `VMX keys (config.extraConfig): ${COLLECT_VSPHERE}, or PowerCLI Get-VM | Get-AdvancedSetting | ConvertTo-Json, then hyperaudit ingest`;
/** `${what}: ${COLLECT_VSPHERE}` by `what`: fact definitions name a few dozen. */
const vsphereConfigHint = boundedMemo(1000, (what) => `${what}: ${COLLECT_VSPHERE}`);

export function hostServiceHint(): string {
  return `ESXi services: ${COLLECT_VSPHERE}, or PowerCLI Get-VMHost | Get-VMHostService | ConvertTo-Json, then hyperaudit ingest`;
}

/** Host fields only esxcli reports: a canonical `host.upsert` carrying them (docs/events.md). */
export function esxcliHint(what: string, command: string): string {
  return `${what}: \`${command}\` on the host, sent as a canonical host.upsert (docs/events.md), then hyperaudit ingest`;
}

/** Host fields the vSphere API reports (HostSystem config). */
export function hostApiHint(what: string): string {
  return `${what}: ${COLLECT_VSPHERE}`;
}

/**
 * The Hyper-V cmdlet whose export reports a VM setting (docs/events.md, "Hyper-V PowerShell"): Get-VM alone has
 * only Generation and Version; secure boot, the vTPM and shielding, and integration services each have their own.
 */
function hypervVmSettingHint(key: string | undefined): string {
  const then = 'ConvertTo-Json, then hyperaudit ingest --source hyperv';
  if (key === 'SecureBoot' || key === 'SecureBootTemplate')
    return `Hyper-V VM firmware (${key}): Get-VM | Where Generation -eq 2 | Get-VMFirmware | ${then}`;
  if (key !== undefined && ['TpmEnabled', 'Shielded', 'KsdEnabled', 'EncryptStateAndVmMigrationTraffic'].includes(key))
    return `Hyper-V VM security (${key}): Get-VMSecurity per VM with its VMName and VMId (docs/events.md) | ${then}`;
  if (key?.startsWith('IntegrationService.'))
    return `Hyper-V integration services (${key.slice('IntegrationService.'.length)}): Get-VM | Get-VMIntegrationService | ${then}`;
  return `Hyper-V VM configuration${key === undefined ? '' : ` (${key})`}: Get-VM | ${then}`;
}

export function vmSettingHint(ctx: VmContext, key?: string): string {
  switch (vendorOf(ctx.host)) {
    case 'kvm':
      return `VM configuration: ${COLLECT_LIBVIRT} (the domain XML)`;
    case 'proxmox':
      return `VM configuration: ${COLLECT_PROXMOX}`;
    case 'hyperv':
      return hypervVmSettingHint(key);
    default:
      return VMX_KEYS_HINT;
  }
}

/** VM configuration the hypervisor's inventory API reports (devices, hardware version, graphics, labels). */
export function vmConfigHint(ctx: VmContext, what: string): string {
  switch (vendorOf(ctx.host)) {
    case 'kvm':
      return `${what}: ${COLLECT_LIBVIRT} (the domain XML)`;
    case 'proxmox':
      return `${what}: ${COLLECT_PROXMOX}`;
    case 'hyperv':
      return `${what}: Get-VM | ConvertTo-Json, then hyperaudit ingest`;
    default:
      return vsphereConfigHint(what);
  }
}

/**
 * The event that dates a VM's power-off (issue 15 item 12): a snapshot says the VM is off, only a transition event
 * says since when. vCenter keeps its events 30 days by default, so a collection soon after the stop still dates it.
 */
export function powerOffEventHint(ctx: VmContext): string {
  const what = 'the event that powered the VM off';
  switch (vendorOf(ctx.host)) {
    case 'kvm':
      return `${what}: libvirt lifecycle events (\`virsh event --all --loop --timestamp\`, the \`Stopped\` line) or Nova \`compute.instance.power_off.end\` notifications, then hyperaudit ingest`;
    case 'proxmox':
      return `${what}: no Proxmox source dates a stop yet; send a canonical vm.power_off event (docs/events.md) from the task log's qmstop/qmshutdown entry, then hyperaudit ingest`;
    case 'hyperv':
      return `${what}: no Hyper-V export dates a stop; send a canonical vm.power_off event (docs/events.md) from the Hyper-V-VMMS event log, then hyperaudit ingest`;
    default:
      return `${what}: its VmPoweredOffEvent, from ${COLLECT_VSPHERE} --event-window <hours back to the stop> or VEBA through hyperaudit serve`;
  }
}
