import type { DeploymentScope } from '../model/deployment-scope';
import type { RunInput } from './workflow-input';

/** What a run audits: the whole fleet (the schedule), or the fleet after a deployment, which the run records. */
export type RunScope = { kind: 'fleet' } | DeploymentScope;

/** A workflow run to start: the state machine input the schedule and the deploy trigger both send. */
export interface RunRequest {
  /**
   * The run's name, unique per workflow: starting a name again with the same input is answered with the run that
   * exists (Step Functions keeps names 90 days), so an event delivered twice starts one run.
   */
  name: string;
  input: { trigger: RunInput['trigger']; scope: RunScope };
}

/** False when a run of this name already exists with other input; nothing new was started. */
export type RunStart = { started: true; runId: string } | { started: false };

/** Starts audit workflow runs (Step Functions in AWS: functions/deploy-audit/sfn-run-starter.ts). */
export interface RunStarter {
  start(request: RunRequest): Promise<RunStart>;
}

/** Keeps the runs it was asked for, with Step Functions' answer to a repeated name. For tests. */
export function memoryRunStarter(): RunStarter & { readonly runs: ReadonlyMap<string, RunRequest> } {
  const runs = new Map<string, RunRequest>();
  return {
    runs,
    async start(request) {
      const existing = runs.get(request.name);
      if (existing === undefined) runs.set(request.name, request);
      else if (JSON.stringify(existing.input) !== JSON.stringify(request.input)) return { started: false };
      return { started: true, runId: `memory:${request.name}` };
    },
  };
}
