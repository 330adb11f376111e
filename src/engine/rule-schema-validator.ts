import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import ruleSchema from '../../rules/rule.schema.json' with { type: 'json' };

/**
 * The rule-file validator, compiled from the schema built into hyperaudit (never one found in a rules directory:
 * a custom directory that brought its own `{}` could smuggle in operators like `constructor`).
 *
 * Compiling the schema with ajv costs a CLI run about 0.15 s of a 2 s budget, so `npm run build` writes ajv's
 * standalone code for it beside this module (`PRECOMPILED_VALIDATOR_FILE` in dist/engine/). That file names the
 * digest of the schema it was compiled from and is used only while the shipped schema still has that digest;
 * otherwise (a source checkout run through tsx, an edited schema, a Lambda bundle) the schema is compiled here.
 */
export const PRECOMPILED_VALIDATOR_FILE = 'rule-schema-validator.precompiled.cjs';

export const AJV_OPTIONS = { allErrors: true, strict: false } as const;
const require = createRequire(import.meta.url);

/** Digest of the shipped rule schema as parsed (formatting of the file aside). */
export function ruleSchemaDigest(): string {
  return createHash('sha256').update(JSON.stringify(ruleSchema)).digest('hex');
}

type PrecompiledModule = ValidateFunction & { schemaDigest?: unknown };

/** The shipped schema itself, for the build's standalone compile. */
export { ruleSchema };

/** The validator in `file` when it was compiled from the shipped schema as it is now; undefined otherwise. */
export function loadPrecompiledValidator(file: string): ValidateFunction | undefined {
  if (!existsSync(file)) return undefined;
  const validate = require(file) as PrecompiledModule;
  return typeof validate === 'function' && validate.schemaDigest === ruleSchemaDigest() ? validate : undefined;
}

let validator: ValidateFunction | undefined;

/** The shipped schema's validator: the build's precompiled one when current, else compiled once per process. */
export function ruleSchemaValidator(): ValidateFunction {
  validator ??=
    loadPrecompiledValidator(fileURLToPath(new URL(`./${PRECOMPILED_VALIDATOR_FILE}`, import.meta.url))) ??
    new Ajv(AJV_OPTIONS).compile(ruleSchema);
  return validator;
}
