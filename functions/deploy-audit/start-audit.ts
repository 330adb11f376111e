import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { deploymentScope, executionName, type DeploymentScope } from './deployment-scope';

export interface StartAuditDeps {
  sfn: SFNClient;
  stateMachineArn: string;
}

export interface StartAuditResult {
  executionName: string;
  scope: DeploymentScope;
  /**
   * False when a run of this name already exists with other input. The same event delivered twice (EventBridge
   * delivers at least once) gets the same name and input, which Step Functions answers with the existing run.
   */
  started: boolean;
  executionArn?: string;
}

/** Input of the audit state machine, shared with the schedule. */
export interface AuditRunInput {
  trigger: 'schedule' | 'deploy';
  scope: { kind: 'fleet' } | DeploymentScope;
}

export async function startAuditForDeployment(
  event: EventBridgeEvent<string, unknown>,
  deps: StartAuditDeps,
): Promise<StartAuditResult> {
  const scope = deploymentScope(event);
  const name = executionName(event.id);
  const input: AuditRunInput = { trigger: 'deploy', scope };
  try {
    const out = await deps.sfn.send(
      new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return { executionName: name, scope, started: true, executionArn: out.executionArn };
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return { executionName: name, scope, started: false };
    throw err;
  }
}
