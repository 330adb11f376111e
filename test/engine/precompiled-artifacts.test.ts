import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import ruleSchema from '../../rules/rule.schema.json' with { type: 'json' };
import {
  DEFAULT_CATALOGUE,
  PREBUILT_CATALOGUE_FILE,
  loadCatalogue,
  parseCatalogueCsv,
  prebuiltCatalogueJson,
  readPrebuiltCatalogue,
} from '../../src/engine/catalogue';
import { DEFAULT_RULES_DIR, ruleFiles } from '../../src/engine/load-rules';
import { precompiledEngineFiles, precompiledValidatorSource } from '../../src/engine/precompiled-artifacts';
import { PRECOMPILED_VALIDATOR_FILE, loadPrecompiledValidator } from '../../src/engine/rule-schema-validator';

const root = join(import.meta.dirname, '..', '..');
// Inside the repository: the validator's code requires ajv's runtime helpers, as it does from dist/engine/.
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules', '.cache', 'hyperaudit-precompiled-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const shippedRules = ruleFiles(DEFAULT_RULES_DIR).map(({ file }) => JSON.parse(readFileSync(file, 'utf8')) as object);

/** Rule files the schema must refuse, each for another reason. */
function brokenVariants(rule: Record<string, unknown>): unknown[] {
  const { title: _title, ...untitled } = rule;
  return [
    untitled,
    { ...rule, severity: 'urgent' },
    { ...rule, surprise: true },
    { ...rule, conditions: { all: [{ fact: 'x', operator: 'constructor', value: 1 }] } },
    { ...rule, controls: 'none' },
    [],
    null,
  ];
}

describe('the precompiled rule-schema validator', () => {
  const file = join(work, PRECOMPILED_VALIDATOR_FILE);
  writeFileSync(file, precompiledValidatorSource());

  it('accepts and refuses exactly what ajv compiling the shipped schema does, with the same errors', () => {
    const precompiled = loadPrecompiledValidator(file);
    expect(precompiled).toBeDefined();
    const compiled = new Ajv({ allErrors: true, strict: false }).compile(ruleSchema);
    const inputs = [...shippedRules, ...shippedRules.slice(0, 5).flatMap((r) => brokenVariants(r as never))];
    let refused = 0;
    for (const input of inputs) {
      const verdict = compiled(input);
      expect(precompiled!(input)).toBe(verdict);
      expect(precompiled!.errors ?? null).toEqual(compiled.errors ?? null);
      if (!verdict) refused++;
    }
    expect(refused).toBe(35);
  });

  it('is ignored once the shipped schema is no longer the one it was compiled from', () => {
    const stale = join(work, 'stale.cjs');
    writeFileSync(stale, readFileSync(file, 'utf8').replace(/schemaDigest = "[0-9a-f]+"/, 'schemaDigest = "0000"'));
    expect(loadPrecompiledValidator(stale)).toBeUndefined();
    expect(loadPrecompiledValidator(join(work, 'missing.cjs'))).toBeUndefined();
  });
});

describe('the prebuilt SCG catalogue', () => {
  const csv = readFileSync(DEFAULT_CATALOGUE);
  const file = join(work, PREBUILT_CATALOGUE_FILE);
  writeFileSync(file, prebuiltCatalogueJson(csv));

  it('holds the controls the CSV parses to', () => {
    const controls = readPrebuiltCatalogue(file, csv);
    expect(controls).toEqual(parseCatalogueCsv(csv));
    expect(controls!.length).toBeGreaterThan(100);
  });

  it('is ignored for a CSV with other bytes, which is parsed instead', () => {
    const edited = Buffer.concat([csv, Buffer.from('\n')]);
    expect(readPrebuiltCatalogue(file, edited)).toBeUndefined();
    const row = csv.toString('utf8').split('\n')[0]!;
    const custom = join(work, 'custom.csv');
    writeFileSync(custom, `${row}\nesxi-8.only-here,A control only this copy has,P1\n`);
    expect([...loadCatalogue(custom).keys()]).toEqual(['esxi-8.only-here']);
  });
});

describe('dist/ as `npm run build` left it', () => {
  const built = join(root, 'dist', 'BUILT');
  it.skipIf(!existsSync(built))('holds the precompiled files of the current sources (else run npm run build)', () => {
    for (const { name, body } of precompiledEngineFiles()) {
      const path = join(root, 'dist', 'engine', name);
      expect(existsSync(path), path).toBe(true);
      expect(readFileSync(path, 'utf8') === body, `${path} is stale: npm run build`).toBe(true);
    }
  });
});
