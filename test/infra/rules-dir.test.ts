import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../src/engine/load-rules';

/**
 * The Lambda bundles ship rules/ beside the handler (/var/task/rules), not where the core's own location
 * says the package's rules are; loadRules must read that folder's catalogue, not the package's. The schema is
 * the one compiled into hyperaudit whatever the folder holds: a folder's own could widen the operators.
 */
let root: string;
const copy = (name: string) => {
  const dir = join(root, name);
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
  return dir;
};
const problemsOf = (dir: string): string[] => {
  try {
    loadRules(dir);
    return [];
  } catch (e) {
    if (e instanceof RuleLoadError) return e.problems;
    throw e;
  }
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hyperaudit-rules-dir-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadRules(dir) on a rules folder shipped elsewhere', () => {
  it('loads a full copy exactly like the package rules', () => {
    expect(loadRules(copy('full')).map((r) => r.id)).toEqual(loadRules().map((r) => r.id));
  });

  it("validates against the schema built into hyperaudit, never the folder's own rule.schema.json", () => {
    const dir = copy('own-schema');
    const schemaFile = join(dir, 'rule.schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { required?: string[] };
    writeFileSync(schemaFile, JSON.stringify({ ...schema, required: [...(schema.required ?? []), 'ownerTeam'] }));
    expect(problemsOf(dir)).toEqual([]);
    writeFileSync(schemaFile, '{}');
    expect(loadRules(dir).map((r) => r.id)).toEqual(loadRules().map((r) => r.id));
  });

  it("checks SCG controls against the folder's own catalogue", () => {
    const dir = copy('own-catalogue');
    const csv = join(dir, 'catalogue', 'vsphere-8-scg-controls.csv');
    const [header] = readFileSync(csv, 'utf8').split('\n');
    writeFileSync(csv, `${header}\n`);
    const problems = problemsOf(dir);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /is not in the vSphere 8 SCG catalogue|is not mapped to/.test(p))).toBe(true);
  });

  it('falls back to the package schema and catalogue for a folder of packs alone', () => {
    const dir = copy('packs-only');
    rmSync(join(dir, 'rule.schema.json'));
    rmSync(join(dir, 'catalogue'), { recursive: true });
    expect(loadRules(dir).length).toBe(loadRules().length);
  });
});
