import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { z } from 'zod';
import type { Node } from 'constructs';
import { SEVERITIES } from '../src/model/finding';
import { REPO_ROOT } from './paths';
import { MAX_PLAN_MOVES } from '../src/app/plan';
import { DEFAULT_MAX_AHEAD_SECONDS, MAX_ALLOWED_SKEW_SECONDS } from '../src/sources/clock-skew';
import { ParamOverridesSchema } from '../src/engine/param-overrides';
import { loadRules, RuleLoadError } from '../src/engine/load-rules';
import { PROFILES } from '../src/engine/types';

/** A file or folder the bundles copy from the repository: relative to its root, inside it, present. */
const RepoPath = z
  .string()
  .min(1)
  .refine(
    (p) => !isAbsolute(p) && !normalize(p).startsWith('..'),
    'must be a path inside the repository, relative to its root',
  )
  .superRefine((p, ctx) => {
    if (!existsSync(join(REPO_ROOT, p)))
      ctx.addIssue({ code: 'custom', message: `${p} does not exist under ${REPO_ROOT}` });
  });

/**
 * Rule thresholds for the deployed audits: an object in cdk.json's context, or its JSON text from
 * `-c hyperaudit:params='{"esxi.patch-level":{"minBuild":24022510}}'`. Checked against the shipped rules in both
 * profiles, so an unknown rule, param or a value of the wrong type fails the synth, not the first audit.
 */
const RuleParams = z
  .preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON (${(err as Error).message})` });
      return z.NEVER;
    }
  }, ParamOverridesSchema)
  .superRefine((overrides, ctx) => {
    for (const profile of PROFILES) {
      try {
        loadRules(join(REPO_ROOT, 'rules'), { profile, paramOverrides: overrides });
      } catch (err) {
        if (!(err instanceof RuleLoadError)) throw err;
        for (const problem of err.problems)
          ctx.addIssue({ code: 'custom', message: `${problem} (profile ${profile})` });
        return;
      }
    }
    const bytes = Buffer.byteLength(JSON.stringify(overrides));
    if (bytes > MAX_PARAMS_ENV_BYTES)
      ctx.addIssue({
        code: 'custom',
        message: `${bytes} bytes as JSON; the Lambda environment holds at most ${MAX_PARAMS_ENV_BYTES} (4 KB in all)`,
      });
  });

/** The params travel in each audit Lambda's environment, whose variables share 4 KB. */
export const MAX_PARAMS_ENV_BYTES = 2048;

/** The scheduled run compacts the table (docs/deploy.md); a month keeps it far inside the 400-day event TTL. */
const MAX_DAYS_BETWEEN_RUNS = 30;

/**
 * Deployment settings. Read once from cdk context (`-c hyperaudit:schedule=...` or cdk.json "context"),
 * validated here, then passed to constructs as typed props: constructs never read context or process.env.
 */
export const HyperauditConfigSchema = z
  .object({
    /** EventBridge Scheduler expression for the compliance report: `cron(...)` or `rate(...)`. */
    schedule: z
      .string()
      .regex(
        /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
        'expected cron(...) or rate(N unit)',
      )
      // The run compacts the table; events expire after 400 days, so it must come round well before that.
      .refine((e) => !/^rate\((\d+) days?\)$/.test(e) || Number(/\d+/.exec(e)![0]) <= MAX_DAYS_BETWEEN_RUNS, {
        message: `runs too rarely: the run also compacts the table, so at most rate(${MAX_DAYS_BETWEEN_RUNS} days)`,
      })
      .default('cron(0 6 * * ? *)'),
    /** IANA time zone the cron expression is evaluated in. */
    scheduleTimezone: z.string().min(1).default('UTC'),
    /** Findings at or above this severity fail the run and are announced on Slack. */
    failThreshold: z.enum(SEVERITIES).default('high'),
    /** Optional perimeters JSON file (relative to the repo root), bundled with the audit Lambdas. */
    perimetersFile: RepoPath.optional(),
    /** Folder of PlanetLab-format CPU traces (relative to the repo root) VMs may name in workload.trace. */
    tracesDir: RepoPath.default('samples/traces'),
    /** Existing Secrets Manager secret holding the Slack incoming-webhook URL (plain string or {"url": ...}). */
    webhookSecretName: z.string().min(1).default('hyperaudit/slack-webhook'),
    /** Secret the stack creates with a generated bearer token for the HTTP ingest endpoint. */
    ingestTokenSecretName: z.string().min(1).default('hyperaudit/ingest-token'),
    /** Largest accepted HTTP ingest body; below SQS's 1 MiB message limit with room for the envelope attribute. */
    maxBodyBytes: z.coerce.number().int().positive().max(1_000_000).default(262_144),
    /** Reports older than this move out of the bucket (current versions expire; old versions 30 days later). */
    reportRetentionDays: z.coerce.number().int().positive().default(365),
    /** Rule id → {param: value} overriding rule thresholds in every deployed audit (like the CLI's `--params`). */
    params: RuleParams.optional(),
    /** Optional e-mail address subscribed to the alarm topic. */
    alarmEmail: z.email().optional(),
    /**
     * 1 runs one Slack notify at a time (no digest posted twice); 0 leaves notify unreserved, for accounts that
     * cannot reserve concurrency (Lambda keeps 100 executions unreserved, new accounts often have only 10).
     */
    notifyReservedConcurrency: z.coerce.number().int().min(0).max(1).default(1),
    /** Clock-skew policy of the ingest function: events dated further ahead of its clock are refused (seconds, ≤ a week). */
    maxClockSkewSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_ALLOWED_SKEW_SECONDS)
      .default(DEFAULT_MAX_AHEAD_SECONDS),
    /** When set, each scheduled run plans migrations with this goal before its report (issue 18). */
    planGoal: z.enum(['fix', 'balance', 'energy']).optional(),
    /** Most migrations the scheduled plan proposes. */
    planMaxMoves: z.coerce.number().int().min(1).max(MAX_PLAN_MOVES).default(100),
    // vSphere collector (issue 13): off unless vsphereUrl is set; a vCenter is reached privately, so the
    // collector runs in the VPC subnets and security group given here.
    vsphereUrl: z.url({ protocol: /^https$/ }).optional(),
    vsphereSecretName: z.string().min(1).default('hyperaudit/vsphere'),
    vsphereSchedule: z
      .string()
      .regex(
        /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
        'expected cron(...) or rate(N unit)',
      )
      .default('rate(1 hour)'),
    vsphereVpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/)
      .optional(),
    /** Comma-separated private subnet ids. */
    vsphereSubnetIds: z
      .string()
      .regex(/^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$/)
      .optional(),
    vsphereSecurityGroupId: z
      .string()
      .regex(/^sg-[0-9a-f]+$/)
      .optional(),
  })
  .strict()
  .refine((c) => c.vsphereUrl === undefined || (c.vsphereVpcId && c.vsphereSubnetIds && c.vsphereSecurityGroupId), {
    message:
      'vsphereUrl needs vsphereVpcId, vsphereSubnetIds and vsphereSecurityGroupId (the collector runs in the VPC that reaches the vCenter)',
    path: ['vsphereUrl'],
  });

export type HyperauditConfig = z.infer<typeof HyperauditConfigSchema>;

export const CONTEXT_PREFIX = 'hyperaudit:';
const KEYS = Object.keys(HyperauditConfigSchema.shape) as (keyof HyperauditConfig)[];

/** Collects `hyperaudit:*` context values; an invalid one stops synth with the key named. */
export function configFromContext(node: Node): HyperauditConfig {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value: unknown = node.tryGetContext(CONTEXT_PREFIX + key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = HyperauditConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${CONTEXT_PREFIX}${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid cdk context: ${issues.join('; ')}`);
  }
  return parsed.data;
}
