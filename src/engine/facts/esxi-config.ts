import type { HostView } from '../../model/fleet';
import { normaliseSetting } from './settings';
import { fact, type FactDef } from './define';
import { esxcliHint, hostApiHint } from './collect-hints';

/**
 * VMware's audit script passes persistent audit logs only when the local log output lives under /scratch and the
 * audit record directory does too (audit-esxi-8.ps1, "Local audit log location is persistent").
 */
function auditLogPersistent(host: HostView): boolean | null {
  const out = host.localLogOutput;
  if (out?.persistent === undefined) return null;
  const dir = host.settings?.['Syslog.global.auditRecord.storageDirectory'];
  return (
    out.persistent && (out.path ?? '').startsWith('/scratch') && typeof dir === 'string' && dir.includes('scratch')
  );
}

const nameParam = (description: string) => [{ name: 'name', required: true, description }];

/** Host facts for SCG/STIG controls that esxcli reports rather than advanced settings (see src/model/host.ts). */
export const esxiConfigFacts: FactDef<'host'>[] = [
  fact<'host'>({
    id: 'configEncryptionMode',
    description:
      'Configuration encryption mode (`esxcli system settings encryption get` Mode: `NONE`, `TPM`); null when not reported.',
    compute: (ctx) => ctx.host.configEncryption?.mode?.toUpperCase() ?? null,
    provenance: { collect: () => esxcliHint('configEncryptionMode', 'esxcli system settings encryption get') },
  }),
  fact<'host'>({
    id: 'requireSecureBoot',
    description:
      'Secure boot enforcement (`esxcli system settings encryption get` RequireSecureBoot); null when not reported.',
    compute: (ctx) => ctx.host.configEncryption?.requireSecureBoot ?? null,
    provenance: { collect: () => esxcliHint('requireSecureBoot', 'esxcli system settings encryption get') },
  }),
  fact<'host'>({
    id: 'tlsProfile',
    description:
      'TLS server profile (`esxcli system tls server get`: `COMPATIBLE`, `NIST_2024`, `MANUAL`); null when not reported.',
    compute: (ctx) => ctx.host.tlsProfile?.toUpperCase() ?? null,
    provenance: { collect: () => esxcliHint('tlsProfile', 'esxcli system tls server get') },
  }),
  fact<'host'>({
    id: 'accountShellAccess',
    description: 'Whether a local account has shell access (`esxcli system account list`); null when not reported.',
    params: nameParam('account user id, e.g. `dcui`'),
    compute: (ctx, p) => {
      const access = ctx.host.accountShellAccess;
      return typeof p.name === 'string' && access !== undefined && Object.hasOwn(access, p.name)
        ? access[p.name]!
        : null;
    },
    provenance: { collect: () => esxcliHint('accountShellAccess', 'esxcli system account list') },
  }),
  fact<'host'>({
    id: 'localLogPersistent',
    description: 'LocalLogOutputIsPersistent (`esxcli system syslog config get`); null when not reported.',
    compute: (ctx) => ctx.host.localLogOutput?.persistent ?? null,
    provenance: { collect: () => esxcliHint('localLogPersistent', 'esxcli system syslog config get') },
  }),
  fact<'host'>({
    id: 'auditLogPersistent',
    description:
      'Persistent local logs under /scratch with the audit record directory there too (VMware’s audit script); null when persistence is not reported.',
    compute: (ctx) => auditLogPersistent(ctx.host),
    provenance: { collect: () => esxcliHint('auditLogPersistent', 'esxcli system syslog config get') },
  }),
  fact<'host'>({
    id: 'logFiltering',
    description: 'LogFilteringEnabled (`esxcli system syslog config logfilter get`); null when not reported.',
    compute: (ctx) => ctx.host.logFiltering ?? null,
    provenance: { collect: () => esxcliHint('logFiltering', 'esxcli system syslog config logfilter get') },
  }),
  fact<'host'>({
    id: 'keyPersistence',
    description: 'Key persistence enabled (`esxcli system security keypersistence get`); null when not reported.',
    compute: (ctx) => ctx.host.keyPersistence ?? null,
    provenance: { collect: () => esxcliHint('keyPersistence', 'esxcli system security keypersistence get') },
  }),
  fact<'host'>({
    id: 'kernelSetting',
    description:
      'A VMkernel boot option’s configured value (`esxcli system settings kernel list`), normalised; null when not reported.',
    params: nameParam('kernel setting, e.g. `entropySources`'),
    compute: (ctx, p) => {
      const ks = ctx.host.kernelSettings;
      return typeof p.name === 'string' && ks !== undefined && Object.hasOwn(ks, p.name)
        ? normaliseSetting(ks[p.name]!)
        : null;
    },
    provenance: { collect: () => esxcliHint('kernelSetting', 'esxcli system settings kernel list') },
  }),
  fact<'host'>({
    id: 'sshdOption',
    description:
      'An SSH daemon option (`esxcli system ssh server config list`, key in lower case), trimmed; null when not reported.',
    params: [{ name: 'key', required: true, description: 'sshd option in lower case, e.g. `ciphers`' }],
    compute: (ctx, p) => {
      const config = ctx.host.sshd?.config;
      if (typeof p.key !== 'string' || config === undefined) return null;
      const hit = Object.keys(config).find((k) => k.toLowerCase() === String(p.key).toLowerCase());
      return hit === undefined ? null : config[hit]!.trim();
    },
    provenance: { collect: () => esxcliHint('sshdOption', 'esxcli system ssh server config list') },
  }),
  fact<'host'>({
    id: 'sshFips',
    description: 'SSH FIPS 140 mode (`esxcli system security fips140 ssh get`); null when not reported.',
    compute: (ctx) => ctx.host.sshd?.fips ?? null,
    provenance: { collect: () => esxcliHint('sshFips', 'esxcli system security fips140 ssh get') },
  }),
  fact<'host'>({
    id: 'lockdownExceptionUserCount',
    description: 'Users on the lockdown mode exception list; null when not reported.',
    compute: (ctx) => ctx.host.lockdownExceptionUsers?.length ?? null,
    provenance: { collect: () => hostApiHint('lockdown exception users') },
  }),
];
