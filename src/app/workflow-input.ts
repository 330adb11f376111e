import { z } from 'zod';
import { RunId } from '../model/run-files';

/** What the state machine passes every step: who started the run and for what. */
export const RunInput = z.object({
  runId: RunId,
  trigger: z.enum(['schedule', 'deploy']),
  scope: z.looseObject({ kind: z.string() }),
});
export type RunInput = z.infer<typeof RunInput>;

/** Validates a step's input once, at the edge, naming the field that is wrong. */
export function parseStepInput<T>(schema: z.ZodType<T>, event: unknown, step: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${step} input: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
