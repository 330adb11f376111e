import { getOrCreate } from '../model/get-or-create';
import { compact, isRecord, jsonType, own, setOwn, str } from './json-access';
import { contentUpsert } from './ids';
import { emit, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { scopedId } from './export-scope';
import { asRecords, enumName, guidOf, psBool } from './powershell-json';
import type { RecordLocation } from './types';

/**
 * Hyper-V PowerShell module output saved with ConvertTo-Json. Property names and enum values are those of the
 * Microsoft.HyperV.PowerShell types (VMHost, VirtualMachine, VMNetworkAdapter, VMSecurity, VMFirmware,
 * VMIntegrationService); see test/fixtures/sources/hyperv/README.md for where each was read.
 * Every object carries ComputerName (the Hyper-V host); VMs are identified by VMId (a GUID) scoped to `--scope`
 * (e.g. the failover cluster, so a live-migrated VM stays one VM) or else to that host. Get-VMSecurity's objects
 * do not name their VM, so the documented command adds VMName and VMId with Select-Object.
 */
const SOURCE = 'hyperv' as const;
const MiB = 1024 * 1024;

// Microsoft.HyperV.PowerShell.VMState and OnOffState, as ConvertTo-Json writes them without -EnumsAsStrings.
const VM_STATE: Record<number, string> = {
  1: 'Other',
  2: 'Running',
  3: 'Off',
  4: 'Stopping',
  6: 'Saved',
  9: 'Paused',
  10: 'Starting',
  11: 'Reset',
  32773: 'Saving',
  32776: 'Pausing',
  32777: 'Resuming',
  32779: 'FastSaved',
  32780: 'FastSaving',
  32781: 'ForceShutdown',
  32782: 'ForceReboot',
  32783: 'Hibernated',
  32784: 'ComponentServicing',
  32785: 'RunningCritical',
  32786: 'OffCritical',
  32787: 'StoppingCritical',
  32788: 'SavedCritical',
  32789: 'PausedCritical',
  32790: 'StartingCritical',
  32791: 'ResetCritical',
  32792: 'SavingCritical',
  32793: 'PausingCritical',
  32794: 'ResumingCritical',
  32795: 'FastSavedCritical',
  32796: 'FastSavingCritical',
};
const ON_OFF: Record<number, string> = { 0: 'On', 1: 'Off' };
// Microsoft.HyperV.PowerShell.MigrationAuthenticationType.
const MIGRATION_AUTH: Record<number, string> = { 0: 'CredSSP', 1: 'Kerberos' };

const POWER: Record<string, 'poweredOn' | 'poweredOff' | 'suspended'> = {
  Running: 'poweredOn',
  RunningCritical: 'poweredOn',
  Off: 'poweredOff',
  OffCritical: 'poweredOff',
  Saved: 'suspended',
  SavedCritical: 'suspended',
  FastSaved: 'suspended',
  Paused: 'suspended',
  PausedCritical: 'suspended',
  Hibernated: 'suspended',
};

type Kind = 'host' | 'vm' | 'adapter' | 'security' | 'firmware' | 'integration';

function kindOf(v: unknown): Kind | undefined {
  if (!isRecord(v)) return undefined;
  const has = (k: string) => Object.hasOwn(v, k);
  if (has('LogicalProcessorCount') && has('MemoryCapacity') && has('EnableEnhancedSessionMode')) return 'host';
  if (has('VMId') && has('ProcessorCount') && has('State') && has('Generation')) return 'vm';
  if (has('MacAddress') && has('SwitchName') && has('IsLegacy')) return 'adapter';
  if (has('TpmEnabled') && has('Shielded')) return 'security';
  if (has('SecureBoot') && (has('SecureBootTemplate') || has('BootOrder'))) return 'firmware';
  if (
    has('Enabled') &&
    has('Name') &&
    has('VMId') &&
    (has('PrimaryStatusDescription') || has('PrimaryOperationalStatus'))
  )
    return 'integration';
  return undefined;
}

export function looksHyperv(v: unknown): boolean {
  return kindOf(v) !== undefined;
}

type Scalar = string | number | boolean;
interface VmAcc {
  vm: Record<string, unknown> & { id: string };
  settings: Record<string, Scalar>;
  nics: { network: string; adapter: string }[];
}

export function normaliseHypervDocument(value: unknown, loc: RecordLocation, opts: NormaliseOptions): Outcomes {
  const time = opts.snapshotTime;
  if (!time) return [rejected(SOURCE, loc, 'Hyper-V output carries no time and no file time is known', 'time')];
  const records = asRecords(value);
  const many = records.length > 1 || loc.record === undefined;
  const where = (i: number): RecordLocation =>
    many ? { ...loc, record: `${loc.record ? `${loc.record} ` : ''}record ${i + 1}` } : loc;
  const out: Outcomes = [];
  const vms = new Map<string, VmAcc>();
  const hostOf = (r: unknown): string | undefined => str(own(r, 'ComputerName')) ?? opts.host;
  const hostId = (computer: string) =>
    opts.scope ? scopedId(opts.scope, computer.toLowerCase()) : computer.toLowerCase();
  const vmEntry = (computer: string, vmId: string, name: string | undefined): VmAcc => {
    const id = scopedId(opts.scope ?? computer, vmId);
    const a = getOrCreate(vms, id, () => ({ vm: { id }, settings: {}, nics: [] }));
    if (name && a.vm.name === undefined) a.vm.name = name;
    if (a.vm.hostId === undefined) a.vm.hostId = hostId(computer);
    return a;
  };
  for (const [i, r] of records.entries()) {
    const kind = kindOf(r);
    if (!kind) {
      out.push(
        rejected(
          SOURCE,
          where(i),
          `not the output of a supported Hyper-V cmdlet (Get-VMHost, Get-VM, Get-VMNetworkAdapter, Get-VMSecurity, Get-VMFirmware, Get-VMIntegrationService): ${jsonType(r)}`,
        ),
      );
      continue;
    }
    const computer = hostOf(r);
    if (!computer) {
      out.push(rejected(SOURCE, where(i), 'no ComputerName: ingest it with --host <Hyper-V host>', 'ComputerName'));
      continue;
    }
    if (kind === 'host') {
      const mem = own(r, 'MemoryCapacity');
      const settings = compact({
        EnableEnhancedSessionMode: psBool(own(r, 'EnableEnhancedSessionMode')),
        VirtualMachineMigrationEnabled: psBool(own(r, 'VirtualMachineMigrationEnabled')),
        VirtualMachineMigrationAuthenticationType: enumName(
          own(r, 'VirtualMachineMigrationAuthenticationType'),
          MIGRATION_AUTH,
        ),
        NumaSpanningEnabled: psBool(own(r, 'NumaSpanningEnabled')),
      });
      const host = compact({
        id: hostId(computer),
        name: str(own(r, 'Name')) ?? computer,
        hypervisor: { vendor: 'hyperv' as const },
        memoryMiB: typeof mem === 'number' && mem >= 0 ? Math.round(mem / MiB) : undefined,
        settings: Object.keys(settings).length > 0 ? (settings as Record<string, Scalar>) : undefined,
      });
      // Get-VMHost is the only source of a Hyper-V host's settings: they are whole.
      const complete = host.settings ? { fields: ['settings'] } : undefined;
      out.push(emit(SOURCE, where(i), contentUpsert(SOURCE, time, 'host', host, complete)));
      continue;
    }
    const vmId = guidOf(own(r, 'VMId'));
    if (!vmId) {
      out.push(rejected(SOURCE, where(i), `VMId must be a GUID, got ${jsonType(own(r, 'VMId'))}`, 'VMId'));
      continue;
    }
    const a = vmEntry(computer, vmId, str(own(r, 'VMName')) ?? (kind === 'vm' ? str(own(r, 'Name')) : undefined));
    if (kind === 'vm') {
      const state = enumName(own(r, 'State'), VM_STATE);
      const cpus = own(r, 'ProcessorCount');
      const mem = own(r, 'MemoryStartup');
      const generation = own(r, 'Generation');
      if (typeof cpus === 'number' && Number.isInteger(cpus) && cpus > 0) a.vm.vcpus = cpus;
      if (typeof mem === 'number' && mem >= 0) a.vm.memoryMiB = Math.round(mem / MiB);
      if (state && POWER[state]) a.vm.powerState = POWER[state];
      if (generation === 1 || generation === 2) a.settings.Generation = generation;
      const version = str(own(r, 'Version'));
      if (version) a.settings.Version = version;
    } else if (kind === 'adapter') {
      const legacy = psBool(own(r, 'IsLegacy'));
      a.nics.push({
        network: str(own(r, 'SwitchName')) ?? '(not connected)',
        adapter: legacy ? 'legacy' : 'synthetic',
      });
    } else if (kind === 'security') {
      for (const k of ['TpmEnabled', 'Shielded', 'KsdEnabled', 'EncryptStateAndVmMigrationTraffic'] as const) {
        const b = psBool(own(r, k));
        if (b !== undefined) a.settings[k] = b;
      }
    } else if (kind === 'firmware') {
      const sb = enumName(own(r, 'SecureBoot'), ON_OFF);
      if (!sb) {
        out.push(
          rejected(
            SOURCE,
            where(i),
            `SecureBoot must be On or Off (0 or 1), got ${JSON.stringify(own(r, 'SecureBoot'))}`,
            'SecureBoot',
          ),
        );
        continue;
      }
      a.settings.SecureBoot = sb;
      const template = str(own(r, 'SecureBootTemplate'));
      if (template) a.settings.SecureBootTemplate = template;
    } else {
      const enabled = psBool(own(r, 'Enabled'));
      if (enabled !== undefined) setOwn(a.settings, `IntegrationService.${own(r, 'Name') as string}`, enabled);
    }
  }
  for (const { vm: base, settings, nics } of vms.values()) {
    const vm = { ...base, ...(nics.length > 0 && { nics }), ...(Object.keys(settings).length > 0 && { settings }) };
    // Get-VMNetworkAdapter lists every adapter of the VM; VM settings come from several cmdlets, none whole.
    const complete = nics.length > 0 ? { fields: ['nics'] } : undefined;
    out.push(emit(SOURCE, loc, contentUpsert(SOURCE, time, 'vm', vm, complete)));
  }
  return out;
}
