import type { HostContext, VmContext } from '../fleet-index';
import type { SettingValue } from '../../model/host';
import type { Scalar } from '../types';
import { fact, type FactDef, type Provenance } from './define';
import { hostServiceHint, hostSettingHint, vmSettingHint } from './collect-hints';
import { boundedMemo } from '../../model/bounded-memo';

/**
 * Sources report advanced settings, vmx keys and qemu.conf options as strings or typed values ("1", 1,
 * "TRUE", true). Canonical numbers and true/false are normalised so a rule compares one representation.
 */
export function normaliseSetting(v: SettingValue): Scalar {
  if (typeof v !== 'string') return v;
  // A fleet repeats a handful of values ("TRUE", "1", "allow:hd") on every VM.
  return v.length > NORMALISED_MAX_LENGTH ? normaliseText(v) : normalised(v);
}

function normaliseText(v: string): Scalar {
  const t = v.trim();
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

const NORMALISED_MAX_ENTRIES = 4096;
const NORMALISED_MAX_LENGTH = 64;
/** Normalised values by their text: two regular expressions per value read were a tenth of evaluating a VM. */
const normalised = boundedMemo(NORMALISED_MAX_ENTRIES, normaliseText);

/** Lower-cased key → key, built once per large settings map: ESXi and vmx keys are case-insensitive (`tools.setinfo.sizeLimit`). */
const foldedKeys = new WeakMap<Record<string, SettingValue>, Map<string, string>>();
/**
 * Up to this many keys, a key not found as spelt is looked for by walking the keys: a VM's vmx keys or a sparse
 * host's settings are a few dozen at most, and a map per settings object (every VM misses some key a rule reads)
 * cost more than the walks it saved. A host's OptionManager lists about a thousand: those get the map.
 */
const WALK_MAX_KEYS = 32;

function lookup(ctx: HostContext | VmContext, key: Scalar): SettingValue | undefined {
  const settings = ctx.type === 'host' ? ctx.host.settings : ctx.vm.settings;
  if (settings === undefined || typeof key !== 'string') return undefined;
  if (Object.hasOwn(settings, key)) return settings[key];
  // A large map already folded is looked up without listing its keys again (a thousand per miss on a host).
  let folded = foldedKeys.get(settings);
  if (folded !== undefined) return lookupFolded(settings, folded, key);
  const keys = Object.keys(settings);
  if (keys.length <= WALK_MAX_KEYS) {
    const { text: want, anyLength } = lowerCased(key);
    // The first key in the object's order that matches wins, as the map below keeps the first spelling.
    for (const k of keys) if ((anyLength || k.length === want.length) && k.toLowerCase() === want) return settings[k];
    return undefined;
  }
  folded = new Map();
  for (const k of keys) if (!folded.has(k.toLowerCase())) folded.set(k.toLowerCase(), k);
  foldedKeys.set(settings, folded);
  return lookupFolded(settings, folded, key);
}

function lookupFolded(
  settings: Record<string, SettingValue>,
  folded: Map<string, string>,
  key: string,
): SettingValue | undefined {
  const actual = folded.get(key.toLowerCase());
  return actual === undefined ? undefined : settings[actual];
}

/**
 * Rules read a few dozen keys: each one's lower-cased spelling is kept (bounded: a key can come from a rule file).
 * Lower-casing keeps a key's length except for U+0130 (İ → i + U+0307): a settings key of another length can only
 * match a spelling holding U+0307 (`anyLength`), so for any other the walk compares keys of the same length only.
 */
const lowerCased = boundedMemo(NORMALISED_MAX_ENTRIES, (key): { text: string; anyLength: boolean } => {
  const text = key.toLowerCase();
  return { text, anyLength: text.includes('\u0307') };
});

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
