import { readFileSync } from 'node:fs';
import { DEFAULT_CATALOGUE, PREBUILT_CATALOGUE_FILE, prebuiltCatalogueJson } from './catalogue';
import { PRECOMPILED_VALIDATOR_FILE, precompiledValidatorSource } from './rule-schema-validator';

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
