import { isRunning } from '../../model/vm';
import type { HostView } from '../../model/fleet';
import type { HostContext } from '../fleet-index';
import { fact, type FactDef } from './define';
import { hostApiHint } from './collect-hints';

/** ESXi build numbers are plain integers; anything else (or nothing) is null, which patch rules treat as unverified. */
function buildNumber(build: string | undefined): number | null {
  if (build === undefined || !/^\d+$/.test(build.trim())) return null;
  return Number(build.trim());
}

const TLS_SYSLOG = /^(ssl|tls):\/\//i;

/** Remote syslog targets from the `syslogHosts` field and the `Syslog.global.logHost` advanced setting (comma-separated). */
function syslogTargets(host: HostView): string[] {
  const fromSetting = host.settings?.['Syslog.global.logHost'];
  const targets = new Set((host.syslogHosts ?? []).map((h) => h.trim()).filter((h) => h !== ''));
  if (typeof fromSetting === 'string')
    for (const t of fromSetting.split(',')) if (t.trim() !== '') targets.add(t.trim());
  return [...targets];
}

/** Syslog targets are known once either field was reported; none reported is not "no targets". */
const syslogProvenance = {
  reported: (ctx: HostContext) =>
    ctx.host.syslogHosts !== undefined || ctx.host.settings?.['Syslog.global.logHost'] !== undefined,
  collect: () => hostApiHint('syslog targets (Syslog.global.logHost)'),
};

export const hostBasicFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'vendor',
    description: 'Hypervisor vendor (`vmware`, `kvm`, `hyperv`, `proxmox`); null when unknown.',
    compute: (ctx) => ctx.host.hypervisor?.vendor ?? null,
  }),
  fact<'host'>({
    id: 'buildNumber',
    description: 'Hypervisor build as a number (ESXi build); null when absent or not numeric.',
    compute: (ctx) => buildNumber(ctx.host.hypervisor?.build),
    provenance: { collect: () => hostApiHint('hypervisor build') },
  }),
  fact<'host'>({
    id: 'lockdownMode',
    description: '`disabled`, `normal` or `strict`; null when not reported.',
    compute: (ctx) => ctx.host.lockdownMode ?? null,
    provenance: { collect: () => hostApiHint('lockdown mode') },
  }),
  fact<'host'>({
    id: 'secureBoot',
    description: 'UEFI secure boot on; null when not reported.',
    compute: (ctx) => ctx.host.secureBoot ?? null,
    provenance: { collect: () => hostApiHint('UEFI secure boot') },
  }),
  fact<'host'>({
    id: 'tpm',
    description: 'TPM 2.0 present and in use; null when not reported.',
    compute: (ctx) => ctx.host.tpm ?? null,
    provenance: { collect: () => hostApiHint('TPM') },
  }),
  fact<'host'>({
    id: 'ntpServerCount',
    description: 'Number of NTP servers configured (0 when none reported).',
    compute: (ctx) => ctx.host.ntpServers?.length ?? 0,
    provenance: {
      reported: (ctx) => ctx.host.ntpServers !== undefined,
      collect: () => hostApiHint('NTP servers (config.dateTimeInfo)'),
    },
  }),
  fact<'host'>({
    id: 'syslogHostCount',
    description: 'Number of remote syslog targets (`syslogHosts` and `Syslog.global.logHost`; 0 when none reported).',
    compute: (ctx) => syslogTargets(ctx.host).length,
    provenance: syslogProvenance,
  }),
  fact<'host'>({
    id: 'syslogPlaintextHostCount',
    description: 'Remote syslog targets not using `ssl://` or `tls://`.',
    compute: (ctx) => syslogTargets(ctx.host).filter((h) => !TLS_SYSLOG.test(h)).length,
    provenance: syslogProvenance,
  }),
  fact<'host'>({
    id: 'socketCount',
    description: 'CPU sockets; null when CPU topology is not reported.',
    compute: (ctx) => ctx.host.cpu?.sockets ?? null,
  }),
  fact<'host'>({
    id: 'runningVmCount',
    description:
      'VMs placed on the host that are not powered off or suspended (unknown power state counts as running).',
    compute: (ctx) => ctx.vms.reduce((n, vm) => (isRunning(vm) ? n + 1 : n), 0),
  }),
];
