import { z } from 'zod';
import { issuesInWords } from '../sources/issue-words';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * Rule thresholds a site sets without copying rules/: rule id → param → value. The same shape from the CLI's
 * `--params FILE` and from the deployment's `hyperaudit:params` context; `loadRules` then refuses an unknown rule,
 * param or a value of another type than the rule's default.
 */
export const ParamOverridesSchema = z.record(z.string(), z.record(z.string(), z.union([Scalar, z.array(Scalar)])));
export type ParamOverrides = z.infer<typeof ParamOverridesSchema>;

/** The overrides in `raw`, or the schema's issues in words (`esxi.patch-level.minBuild: …`) as a thrown Error. */
export function parseParamOverrides(raw: unknown): ParamOverrides {
  const parsed = ParamOverridesSchema.safeParse(raw);
  if (!parsed.success) throw new Error(issuesInWords(parsed.error.issues));
  return parsed.data;
}
