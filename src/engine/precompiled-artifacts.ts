import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { DEFAULT_CATALOGUE, PREBUILT_CATALOGUE_FILE, prebuiltCatalogueJson } from './catalogue';
import { AJV_OPTIONS, PRECOMPILED_VALIDATOR_FILE, ruleSchema, ruleSchemaDigest } from './rule-schema-validator';

/** ajv's standalone code for the shipped schema (CommonJS), tagged with the schema's digest. */
export function precompiledValidatorSource(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(ruleSchema));
  return `${code}\nmodule.exports.schemaDigest = ${JSON.stringify(ruleSchemaDigest())};\n`;
}

/**
 * What `npm run build` (scripts/build-dist.mjs) computes once instead of on every CLI run, as files to write into
 * dist/engine/ beside the modules that read them. Each names the digest of its source, and its reader ignores it
 * when the source has changed since, so a stale file costs the time it was meant to save, never a wrong answer.
 */
export function precompiledEngineFiles(): { name: string; body: string }[] {
  return [
    { name: PRECOMPILED_VALIDATOR_FILE, body: precompiledValidatorSource() },
    { name: PREBUILT_CATALOGUE_FILE, body: prebuiltCatalogueJson(readFileSync(DEFAULT_CATALOGUE)) },
  ];
}
