import type { HostContext, VmContext } from '../fleet-index';
import type { SettingValue } from '../../model/host';
import type { Scalar } from '../types';
import { fact, type FactDef, type Provenance } from './define';
import { hostServiceHint, hostSettingHint, vmSettingHint } from './collect-hints';

/**
 * Sources report advanced settings, vmx keys and qemu.conf options as strings or typed values ("1", 1,
 * "TRUE", true). Canonical numbers and true/false are normalised so a rule compares one representation.
 */
export function normaliseSetting(v: SettingValue): Scalar {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Lower-cased key → key, built once per settings map: ESXi and vmx keys are case-insensitive (`tools.setinfo.sizeLimit`). */
const foldedKeys = new WeakMap<Record<string, SettingValue>, Map<string, string>>();

function lookup(ctx: HostContext | VmContext, key: Scalar): SettingValue | undefined {
  const settings = ctx.type === 'host' ? ctx.host.settings : ctx.vm.settings;
  if (settings === undefined || typeof key !== 'string') return undefined;
  if (Object.hasOwn(settings, key)) return settings[key];
  let folded = foldedKeys.get(settings);
  if (folded === undefined) {
    folded = new Map();
    for (const k of Object.keys(settings)) if (!folded.has(k.toLowerCase())) folded.set(k.toLowerCase(), k);
    foldedKeys.set(settings, folded);
  }
  const actual = folded.get(key.toLowerCase());
  return actual === undefined ? undefined : settings[actual];
}

/** A setting read with a `default` is unverified when the key itself was not reported. */
function settingProvenance<T extends 'host' | 'vm'>(): Provenance<T> {
  return {
    reported: (ctx, p) => lookup(ctx, p.key ?? null) !== undefined,
    collect: (ctx, p) => {
      const c = ctx as HostContext | VmContext;
      const key = typeof p.key === 'string' ? p.key : undefined;
      return c.type === 'host' ? hostSettingHint(c) : vmSettingHint(c, key);
    },
  };
}

const keyParams = [
  { name: 'key', required: true, description: 'setting name, e.g. `Security.AccountLockFailures`' },
  {
    name: 'default',
    required: false,
    description:
      'value to assume when the setting is not reported (the installation default); without it, unset is `null`',
  },
];

function settingFact<T extends 'host' | 'vm'>(): FactDef<T> {
  return fact<T>({
    id: 'setting',
    description:
      'An advanced setting / vmx key / qemu.conf option, normalised; `params.default` when unset, else null.',
    params: keyParams,
    compute: (ctx, p) => {
      const v = lookup(ctx, p.key ?? null);
      return v === undefined ? (p.default ?? null) : normaliseSetting(v);
    },
    provenance: settingProvenance<T>(),
  });
}

function settingListFact<T extends 'host' | 'vm'>(): FactDef<T> {
  return fact<T>({
    id: 'settingList',
    description:
      'A comma-separated setting split into lower-case, trimmed, sorted items (e.g. disabled TLS protocols).',
    params: keyParams,
    compute: (ctx, p) => {
      const v = lookup(ctx, p.key ?? null);
      const raw = v === undefined ? p.default : v;
      if (raw === undefined || raw === null) return null;
      return String(raw)
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0)
        .sort();
    },
    provenance: settingProvenance<T>(),
  });
}

const nameParam = [{ name: 'name', required: true, description: 'service key, e.g. `TSM-SSH`, `ntpd`' }];

export const hostSettingFacts: FactDef<'host'>[] = [
  settingFact<'host'>(),
  settingListFact<'host'>(),
  settingReportedFact<'host'>(),
  fact<'host'>({
    id: 'serviceRunning',
    description: 'Whether a host service is running; null when the service is not reported.',
    params: nameParam,
    compute: (ctx, p) => (typeof p.name === 'string' ? (ctx.host.services?.[p.name]?.running ?? null) : null),
    provenance: { collect: () => hostServiceHint() },
  }),
  fact<'host'>({
    id: 'servicePolicy',
    description:
      'A host service start-up policy (`on`, `off`, `automatic`); `params.default` when the service or its policy is not reported, else null.',
    params: [
      ...nameParam,
      {
        name: 'default',
        required: false,
        description: 'policy to assume when not reported (the installation default, e.g. `on` for CIM and SNMP)',
      },
    ],
    compute: (ctx, p) => {
      const service =
        typeof p.name === 'string' && ctx.host.services !== undefined && Object.hasOwn(ctx.host.services, p.name)
          ? ctx.host.services[p.name]
          : undefined;
      return service?.policy ?? p.default ?? null;
    },
    provenance: {
      reported: (ctx, p) =>
        typeof p.name === 'string' &&
        ctx.host.services !== undefined &&
        Object.hasOwn(ctx.host.services, p.name) &&
        ctx.host.services[p.name]?.policy !== undefined,
      collect: () => hostServiceHint(),
    },
  }),
];

function settingReportedFact<T extends 'host' | 'vm'>(): FactDef<T> {
  return fact<T>({
    id: 'settingReported',
    description: 'Whether the source reported the setting at all; added to evidence when a rule assumed a default.',
    params: [keyParams[0]!],
    compute: (ctx, p) => lookup(ctx, p.key ?? null) !== undefined,
  });
}

export const vmSettingFacts: FactDef<'vm'>[] = [
  settingFact<'vm'>(),
  settingListFact<'vm'>(),
  settingReportedFact<'vm'>(),
];
