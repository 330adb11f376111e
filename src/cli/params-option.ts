import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseParamOverrides, type ParamOverrides } from '../engine/param-overrides';
import { InputError } from './exit-codes';
import { readInputFile } from './read-input-file';

/** A params file is a few lines per rule; anything near this is not one. */
const MAX_PARAMS_BYTES = 1024 * 1024;

export type { ParamOverrides };

export const PARAMS_OPTION_HELP =
  'JSON or YAML map of rule id → {param: value} overriding rule thresholds (e.g. {"esxi.patch-level": {"minBuild": 24022510}})';

/** Reads `--params FILE`; a file that cannot be read or is not a map of rule id → params exits 1 naming it. */
export function readParamsFile(file: string): ParamOverrides {
  const text = readInputFile(file, 'params file', MAX_PARAMS_BYTES);
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(
      `${file}: not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]})`,
    );
  }
  try {
    return parseParamOverrides(raw);
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
}
