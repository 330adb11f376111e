import { isAbsolute, join } from 'node:path';
import { SEVERITIES, type Severity } from '../../src/model/finding';
import type { LoadOptions } from '../../src/engine/load-rules';
import { parseParamOverrides } from '../../src/engine/param-overrides';

/** Environment the CDK app sets; read once at the edge, so a missing one fails the cold start by name. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function severityEnv(name: string): Severity {
  const value = requireEnv(name);
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new Error(`environment variable ${name} must be one of ${SEVERITIES.join(', ')}, got ${value}`);
  }
  return value as Severity;
}

/** A path the bundle ships (rules/, perimeters), resolved against the function's code root. */
export function bundledPath(relative: string): string {
  if (isAbsolute(relative)) return relative;
  return join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), relative);
}

/**
 * `RULE_PARAMS`, the deployment's rule thresholds (`hyperaudit:params`, checked against the rules at synth), as
 * options for loading the bundled rules; loadRules checks them again, so a hand-edited variable fails by name.
 */
export function ruleParamsEnv(): Pick<LoadOptions, 'paramOverrides'> {
  const text = process.env.RULE_PARAMS;
  if (text === undefined || text === '') return {};
  try {
    return { paramOverrides: parseParamOverrides(JSON.parse(text)) };
  } catch (err) {
    throw new Error(`environment variable RULE_PARAMS: ${(err as Error).message}`);
  }
}
