import { lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ResourceType } from '../model/finding';
import { loadCatalogue, type ScgControl } from './catalogue';
import { FACTS } from './facts/registry';
import { ruleSchemaValidator } from './rule-schema-validator';
import { jsonErrorMessage } from '../sources/json-position';
import type { Condition, FactRef, LoadedRule, Profile, RuleFile, Scalar } from './types';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));
/** The SCG catalogue inside a rules directory (see catalogue.ts). */
const CATALOGUE_FILE = 'catalogue/vsphere-8-scg-controls.csv';
/** Folders under the rules directory that hold data, not rules. */
const NOT_PACKS = new Set(['catalogue']);

/** Every problem found in a rule directory; the audit refuses to run on any of them. */
export class RuleLoadError extends Error {
  override readonly name = 'RuleLoadError';
  constructor(readonly problems: string[]) {
    super(`rules refused:\n  ${problems.join('\n  ')}`);
  }
}

export interface LoadOptions {
  profile?: Profile;
  /** vSphere 8 SCG catalogue; defaults to `<dir>/catalogue/`, else rules/catalogue/ of this package. */
  catalogue?: Map<string, ScgControl>;
  /**
   * Thresholds a site sets without copying rules/ (`--params FILE`): rule id → param → value. A rule id or param
   * the rules do not have, or a value of another type than the rule's default, is refused.
   */
  paramOverrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A rule file larger than this is refused unread: the largest shipped rule is a few KB. */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;
/** More rule files than this in one directory is refused: the shipped packs have under a hundred. */
export const MAX_RULE_FILES = 5000;

/**
 * `dir`'s own catalogue when it has one as a regular file inside it, else the package's. A rules directory
 * shipped elsewhere (a Lambda bundle, a copy with local packs) is self-contained; a directory of packs alone
 * still loads; a link out of the directory is not followed.
 */
function ownOrDefault(dir: string, relativePath: string): string {
  const own = join(dir, relativePath);
  return isRegularFileInside(dir, own) ? own : join(DEFAULT_RULES_DIR, relativePath);
}

/** True for a regular file whose real path lies under `dir`'s real path (no symlink out of the folder). */
function isRegularFileInside(dir: string, file: string): boolean {
  try {
    const real = realpathSync(file);
    return real.startsWith(realpathSync(dir) + sep) && lstatSync(real).isFile();
  } catch {
    return false;
  }
}

/**
 * The rule files under `dir`: `<pack>/<rule-id>.json`, sorted. Entries that are not plain directories and
 * plain files (links, devices, FIFOs) are listed as problems, not read: a rules folder is input like any other.
 */
export function ruleFiles(dir: string, problems: string[] = []): { pack: string; file: string }[] {
  const out: { pack: string; file: string }[] = [];
  for (const pack of readdirSync(dir).sort()) {
    const packDir = join(dir, pack);
    if (NOT_PACKS.has(pack)) continue;
    const packStat = lstatSync(packDir);
    if (packStat.isSymbolicLink()) {
      problems.push(`${packDir}: a symbolic link; rule packs must be directories inside the rules folder`);
      continue;
    }
    if (!packStat.isDirectory()) continue;
    for (const f of readdirSync(packDir).sort()) {
      if (!f.endsWith('.json')) continue;
      const file = join(packDir, f);
      const st = lstatSync(file);
      if (!st.isFile()) problems.push(`${file}: not a regular file (links and special files are not read)`);
      else if (st.size > MAX_RULE_FILE_BYTES)
        problems.push(`${file}: ${st.size} bytes, over the ${MAX_RULE_FILE_BYTES}-byte limit for a rule file`);
      else out.push({ pack, file });
      if (out.length + problems.length > MAX_RULE_FILES)
        throw new RuleLoadError([`${dir}: more than ${MAX_RULE_FILES} rule files`]);
    }
  }
  return out;
}

/** Loads, validates and resolves every rule under `dir` for one profile. Throws RuleLoadError listing all problems. */
export function loadRules(dir = DEFAULT_RULES_DIR, opts: LoadOptions = {}): LoadedRule[] {
  const profile = opts.profile ?? 'scg';
  const catalogue = opts.catalogue ?? loadCatalogue(ownOrDefault(dir, CATALOGUE_FILE));
  const validate = ruleSchemaValidator();
  const problems: string[] = [];
  let files: { pack: string; file: string }[];
  try {
    files = ruleFiles(dir, problems);
  } catch (err) {
    if (err instanceof RuleLoadError) throw err;
    throw new RuleLoadError([
      `${dir}: cannot read the rules directory (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    ]);
  }
  // An empty rule set would pass every fleet: refuse it rather than report a clean audit.
  if (files.length === 0 && problems.length === 0)
    throw new RuleLoadError([`${dir}: no rule files (expected <pack>/<rule-id>.json)`]);
  const rules: LoadedRule[] = [];
  const seen = new Map<string, string>();
  for (const { pack, file } of files) {
    const shown = relative(process.cwd(), file) || file;
    const fileProblems: string[] = [];
    const rule = loadRuleFile(
      file,
      pack,
      profile,
      catalogue,
      (path, msg) => fileProblems.push(`${shown}: ${path || '/'} ${msg}`),
      validate,
      opts.paramOverrides,
    );
    if (rule && seen.has(rule.id))
      fileProblems.push(`${shown}: /id duplicate rule id "${rule.id}" (also in ${seen.get(rule.id)})`);
    if (rule && fileProblems.length === 0) {
      seen.set(rule.id, shown);
      rules.push(rule);
    }
    problems.push(...fileProblems);
  }
  for (const id of Object.keys(opts.paramOverrides ?? {}))
    if (!seen.has(id)) problems.push(`params: no rule "${id}" (hyperaudit rules list shows them)`);
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rules;
}

const kindOf = (v: unknown) => (Array.isArray(v) ? 'list' : typeof v);

/** The site's values over the rule's (and its profile's), each of the type the rule's default has. */
function applyOverrides(
  id: string,
  params: Record<string, Scalar | Scalar[]>,
  overrides: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const current = params[key];
    if (current === undefined) {
      const known = Object.keys(params);
      problems.push(
        `params: rule "${id}" has no param "${key}" (${known.length > 0 ? `its params: ${known.join(', ')}` : 'it takes none'})`,
      );
    } else if (
      kindOf(value) !== kindOf(current) ||
      (Array.isArray(value) && value.some((v) => typeof v === 'object'))
    ) {
      problems.push(
        `params: ${id}.${key} needs a ${kindOf(current)} like ${JSON.stringify(current)}, got ${JSON.stringify(value)}`,
      );
    } else params[key] = value as Scalar | Scalar[];
  }
  return problems;
}

/**
 * `{{minBuild}}` in a rule's title, description, rationale or remediation reads as the value in force (the rule's
 * default, its profile's, or the site's `--params`), so every place that shows the text (terminal, HTML, Slack,
 * SARIF, JUnit, OCSF, ASFF) shows the real threshold. The only place rule text is rendered (issue 16).
 */
export function renderRuleText(
  text: string,
  params: Readonly<Record<string, Scalar | Scalar[]>>,
  unknown?: (name: string) => void,
): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = Object.hasOwn(params, name) ? params[name] : undefined;
    if (v === undefined) {
      unknown?.(name);
      return whole;
    }
    return Array.isArray(v) ? v.map(paramWords).join(', ') : paramWords(v);
  });
}

/** Range rules use ±Number.MAX_SAFE_INTEGER for "no bound" (JSON has no infinity); the text says so. */
function paramWords(v: Scalar): string {
  if (v === Number.MAX_SAFE_INTEGER) return '∞';
  if (v === -Number.MAX_SAFE_INTEGER) return '-∞';
  return String(v);
}

type Report = (jsonPath: string, message: string) => void;

function describeAjv(errors: ErrorObject[]): { path: string; message: string }[] {
  // anyOf branches each report; the deepest errors point at the actual mistake.
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const max = Math.max(...errors.map(depth));
  const out = new Map<string, { path: string; message: string }>();
  for (const e of errors.filter((x) => depth(x) === max && x.keyword !== 'anyOf')) {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'enum'
          ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : '';
    const message = `${e.message ?? e.keyword}${extra}`;
    out.set(`${e.instancePath} ${message}`, { path: e.instancePath, message });
  }
  return [...out.values()].slice(0, 5);
}

export function loadRuleFile(
  file: string,
  pack: string,
  profile: Profile,
  catalogue: Map<string, ScgControl>,
  report: Report,
  check: ValidateFunction = ruleSchemaValidator(),
  paramOverrides?: LoadOptions['paramOverrides'],
): LoadedRule | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // The parser's own message echoes the file's text; a rule path could name any file, so it is not quoted.
    report('', `is not valid JSON: ${jsonErrorMessage(err)}`);
    return undefined;
  }
  if (!check(raw)) {
    for (const e of describeAjv(check.errors ?? [])) report(e.path, e.message);
    return undefined;
  }
  const def = raw as RuleFile;
  let ok = true;
  const fail: Report = (p, m) => {
    ok = false;
    report(p, m);
  };
  if (basename(file) !== `${def.id}.json`)
    fail('/id', `"${def.id}" does not match the file name (expected ${def.id}.json)`);
  const params: Record<string, Scalar | Scalar[]> = { ...def.params, ...def.profiles?.[profile] };
  for (const problem of applyOverrides(def.id, params, paramOverrides?.[def.id])) fail('', problem);
  for (const [p, override] of Object.entries(def.profiles ?? {})) {
    for (const key of Object.keys(override ?? {})) {
      if (!Object.hasOwn(def.params ?? {}, key))
        fail(`/profiles/${p}/${key}`, `overrides "${key}", which is not in /params`);
    }
  }
  const facts = FACTS[def.resourceType] as ReadonlyMap<string, { params?: { name: string; required: boolean }[] }>;
  const evidenceFacts: FactRef[] = [];
  const conditions = resolveCondition(
    def.conditions,
    '/conditions',
    def.resourceType,
    facts,
    params,
    evidenceFacts,
    fail,
  ) as Condition;
  // A finding built on an assumed installation default says so: the setting was not reported.
  for (const ref of [...evidenceFacts]) {
    if (
      (ref.fact === 'setting' || ref.fact === 'settingList') &&
      ref.params?.default !== undefined &&
      typeof ref.params.key === 'string'
    ) {
      addRef(evidenceFacts, { fact: 'settingReported', params: { key: ref.params.key } });
    }
  }
  for (const [i, ref] of (def.evidence ?? []).entries()) {
    const resolved = resolveFactRef(ref, `/evidence/${i}`, def.resourceType, facts, params, fail);
    if (resolved) addRef(evidenceFacts, resolved);
  }
  for (const key of Object.keys(def.appliesTo ?? {})) {
    const f = facts.get(key);
    if (!f) fail(`/appliesTo/${key}`, `unknown fact "${key}" for resource type ${def.resourceType}`);
    else if (f.params?.some((p) => p.required))
      fail(`/appliesTo/${key}`, `fact "${key}" needs params and cannot be used in appliesTo`);
  }
  const controls = checkControls(def, catalogue, fail);
  const render = (field: 'title' | 'description' | 'rationale' | 'remediation', text: string) =>
    renderRuleText(text, params, (name) => fail(`/${field}`, `refers to {{${name}}}, which /params does not define`));
  const title = render('title', def.title);
  const description = def.description === undefined ? undefined : render('description', def.description);
  const rationale = render('rationale', def.rationale);
  const remediation = render('remediation', def.remediation);
  if (!ok) return undefined;
  return {
    id: def.id,
    pack,
    file,
    title,
    severity: def.severity,
    category: def.category,
    resourceType: def.resourceType,
    ...(description !== undefined && { description }),
    params,
    appliesTo: def.appliesTo ?? {},
    conditions,
    evidenceFacts,
    controls,
    rationale,
    remediation,
    fixtures: def.fixtures,
  };
}

function addRef(list: FactRef[], ref: FactRef): void {
  const key = JSON.stringify(ref);
  if (!list.some((r) => JSON.stringify(r) === key)) list.push(ref);
}

function substitute(value: unknown, path: string, params: Record<string, Scalar | Scalar[]>, fail: Report): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'param' in value) {
    const name = (value as { param: string }).param;
    if (!Object.hasOwn(params, name)) {
      fail(path, `refers to param "${name}", which /params does not define`);
      return null;
    }
    return params[name];
  }
  return value;
}

function resolveFactRef(
  ref: { fact: string; params?: Record<string, unknown> },
  path: string,
  type: ResourceType,
  facts: ReadonlyMap<string, { params?: { name: string; required: boolean }[] }>,
  params: Record<string, Scalar | Scalar[]>,
  fail: Report,
): FactRef | undefined {
  const def = facts.get(ref.fact);
  if (!def) {
    fail(
      `${path}/fact`,
      `unknown fact "${ref.fact}" for resource type ${type} (undefined facts are errors, see docs/rules.md)`,
    );
    return undefined;
  }
  const allowed = def.params ?? [];
  const given = ref.params ?? {};
  for (const key of Object.keys(given)) {
    if (!allowed.some((p) => p.name === key))
      fail(`${path}/params/${key}`, `fact "${ref.fact}" takes no param "${key}"`);
  }
  for (const p of allowed)
    if (p.required && !Object.hasOwn(given, p.name))
      fail(`${path}/params`, `fact "${ref.fact}" needs param "${p.name}"`);
  if (Object.keys(given).length === 0) return { fact: ref.fact };
  const resolved: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(given)) {
    const s = substitute(v, `${path}/params/${k}`, params, fail);
    if (Array.isArray(s)) fail(`${path}/params/${k}`, 'fact params must be scalars');
    else resolved[k] = s as Scalar;
  }
  return { fact: ref.fact, params: resolved };
}

function resolveCondition(
  c: unknown,
  path: string,
  type: ResourceType,
  facts: ReadonlyMap<string, { params?: { name: string; required: boolean }[] }>,
  params: Record<string, Scalar | Scalar[]>,
  refs: FactRef[],
  fail: Report,
): unknown {
  const node = c as Record<string, unknown>;
  const priority = node.priority !== undefined ? { priority: node.priority } : {};
  if (Array.isArray(node.all))
    return {
      all: node.all.map((x, i) => resolveCondition(x, `${path}/all/${i}`, type, facts, params, refs, fail)),
      ...priority,
    };
  if (Array.isArray(node.any))
    return {
      any: node.any.map((x, i) => resolveCondition(x, `${path}/any/${i}`, type, facts, params, refs, fail)),
      ...priority,
    };
  if (node.not !== undefined)
    return { not: resolveCondition(node.not, `${path}/not`, type, facts, params, refs, fail), ...priority };
  const ref = resolveFactRef(
    node as { fact: string; params?: Record<string, unknown> },
    path,
    type,
    facts,
    params,
    fail,
  );
  if (ref) addRef(refs, ref);
  const value = substitute(node.value, `${path}/value`, params, fail);
  if ((node.operator === 'in' || node.operator === 'notIn') && !Array.isArray(value))
    fail(`${path}/value`, `operator ${String(node.operator)} needs an array value`);
  return {
    fact: node.fact,
    operator: node.operator,
    value,
    ...(ref?.params && { params: ref.params }),
    ...(node.path !== undefined && { path: node.path }),
    ...priority,
  };
}

function checkControls(def: RuleFile, catalogue: Map<string, ScgControl>, fail: Report) {
  const controls = def.controls.map((c) => ({ ...c }));
  for (const [i, c] of def.controls.entries()) {
    if (c.framework !== 'vsphere-8-scg') continue;
    const entry = catalogue.get(c.id);
    if (!entry) {
      fail(`/controls/${i}/id`, `"${c.id}" is not in the vSphere 8 SCG catalogue`);
      continue;
    }
    const listed = def.controls.filter((x) => x.framework === 'disa-stig').map((x) => x.id);
    for (const stig of listed) {
      if (!entry.stigIds.includes(stig))
        fail(
          `/controls`,
          `disa-stig ${stig} is not mapped to ${c.id} in the catalogue (${entry.stigIds.join(' ') || 'none'})`,
        );
    }
    // The catalogue is the source of STIG mappings: rules name the SCG control, the loader adds its STIG ids.
    for (const stig of entry.stigIds) {
      if (!controls.some((x) => x.framework === 'disa-stig' && x.id === stig))
        controls.push({ framework: 'disa-stig', id: stig });
    }
  }
  return controls;
}
