import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RunStarter } from '../../src/app/run-starter';

/**
 * The run starter on the audit state machine. The same name with the same input is answered with the existing
 * execution (EventBridge delivers at least once); the same name with other input is `ExecutionAlreadyExists`.
 */
export function sfnRunStarter(sfn: SFNClient, stateMachineArn: string): RunStarter {
  return {
    async start({ name, input }) {
      try {
        const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        if (out.executionArn === undefined)
          throw new Error(`StartExecution of ${name} answered without an executionArn`);
        return { started: true, runId: out.executionArn };
      } catch (err) {
        if (err instanceof ExecutionAlreadyExists) return { started: false };
        throw err;
      }
    },
  };
}
