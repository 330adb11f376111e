import { z } from 'zod';
import { RunId } from '../model/run-files';
import { PROFILES, type Profile } from '../engine/types';
import { MAX_PLAN_MOVES } from './plan';

/** The run's optional plan step (issue 18): present in the run input, the state machine plans before the report. */
export const RunPlan = z.object({
  goal: z.enum(['fix', 'balance', 'energy']),
  maxMoves: z.number().int().min(1).max(MAX_PLAN_MOVES).default(100),
});
export type RunPlan = z.infer<typeof RunPlan>;

/** What the state machine passes every step: who started the run and for what. */
export const RunInput = z.object({
  runId: RunId,
  trigger: z.enum(['schedule', 'deploy']),
  scope: z.looseObject({ kind: z.string() }),
  plan: RunPlan.optional(),
});
export type RunInput = z.infer<typeof RunInput>;

/** The run's rule profile as the shards and the finish step receive it: the start step's output, never defaulted again. */
export const RunProfile = z.enum(PROFILES as [Profile, ...Profile[]]);

/** The finish step's input: the run, and the time the start step gave the sharded audit. */
export const ReportStepInput = RunInput.extend({
  audit: z.object({ auditedAt: z.iso.datetime({ offset: true }), profile: RunProfile }),
});
export type ReportStepInput = z.infer<typeof ReportStepInput>;

/** Validates a step's input once, at the edge, naming the field that is wrong. */
export function parseStepInput<T>(schema: z.ZodType<T>, event: unknown, step: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${step} input: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
