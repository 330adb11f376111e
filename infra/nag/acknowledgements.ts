import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

const BASIC_EXECUTION_POLICY = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** The logical id cdk-nag prints for a resource, e.g. `Reports33416250`. */
export function logicalIdOf(construct: IConstruct): string {
  const cfn = construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement);
  return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(cfn)) as string;
}

/** `<LogicalId.Arn>`, the way cdk-nag names a GetAtt Arn inside an IAM5 finding id. */
export function nagArnOf(construct: IConstruct): string {
  return `<${logicalIdOf(construct)}.Arn>`;
}

/** Acknowledges specific IAM5 findings (one per wildcard) on one policy, never the rule as a whole. */
export function acknowledgeWildcards(policy: IConstruct, findings: string[], reason: string): void {
  Validations.of(policy).acknowledge(...findings.map((f) => ({ id: `AwsSolutions-IAM5[${f}]`, reason })));
}

/**
 * Acknowledgements that follow from how every hyperaudit Lambda is built, each scoped to one function or
 * its role. Findings about a specific grant are acknowledged next to that grant.
 */
export function acknowledgeFunctionDefaults(functions: lambda.Function[]): void {
  for (const fn of functions) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x (an LTS line Lambda supports for years), raised deliberately after testing, not by drift.',
    });
    const role = fn.role as iam.Role;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM4[${BASIC_EXECUTION_POLICY}]`,
      reason: "AWSLambdaBasicExecutionRole only allows writing this function's own CloudWatch logs.",
    });
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy !== undefined) {
      acknowledgeWildcards(
        policy,
        ['Resource::*'],
        'xray:PutTraceSegments/PutTelemetryRecords (active tracing) and, for stream consumers, dynamodb:ListStreams support no resource-level permissions.',
      );
    }
  }
}
