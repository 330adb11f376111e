import { z } from 'zod';

/**
 * What was deployed, read from the CloudFormation, CodeDeploy or CodePipeline success event that triggers an audit
 * run; the run records it, and itself always audits the whole stored fleet.
 */
export type DeploymentScope =
  | { kind: 'cloudformation'; stackName: string; stackId: string; status: string }
  | { kind: 'codedeploy'; application: string; deploymentGroup: string; deploymentId: string }
  | { kind: 'codepipeline'; pipeline: string; executionId: string };

const CloudFormationEvent = z.object({
  source: z.literal('aws.cloudformation'),
  detail: z.object({
    'stack-id': z.string().min(1),
    'status-details': z.object({ status: z.enum(['CREATE_COMPLETE', 'UPDATE_COMPLETE']) }),
  }),
});
const CodeDeployEvent = z.object({
  source: z.literal('aws.codedeploy'),
  detail: z.object({
    application: z.string().min(1),
    deploymentGroup: z.string().min(1),
    deploymentId: z.string().min(1),
    state: z.literal('SUCCESS'),
  }),
});
const CodePipelineEvent = z.object({
  source: z.literal('aws.codepipeline'),
  detail: z.object({ pipeline: z.string().min(1), 'execution-id': z.string().min(1), state: z.literal('SUCCEEDED') }),
});
const DeploymentEvent = z.discriminatedUnion('source', [CloudFormationEvent, CodeDeployEvent, CodePipelineEvent]);

/** Reads the scope from a CloudFormation, CodeDeploy or CodePipeline success event; names the field that is wrong otherwise. */
export function deploymentScope(event: unknown): DeploymentScope {
  const parsed = DeploymentEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `not a successful deployment event: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  switch (e.source) {
    case 'aws.cloudformation': {
      const stackId = e.detail['stack-id'];
      // arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
      const stackName = stackId.split(':').at(-1)?.split('/')[1] ?? stackId;
      return { kind: 'cloudformation', stackName, stackId, status: e.detail['status-details'].status };
    }
    case 'aws.codedeploy':
      return {
        kind: 'codedeploy',
        application: e.detail.application,
        deploymentGroup: e.detail.deploymentGroup,
        deploymentId: e.detail.deploymentId,
      };
    case 'aws.codepipeline':
      return { kind: 'codepipeline', pipeline: e.detail.pipeline, executionId: e.detail['execution-id'] };
  }
}
