import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildStack } from './build-stack';

const CONTEXT = {
  'hyperaudit:vsphereUrl': 'https://vc01.corp.example/sdk',
  'hyperaudit:vsphereVpcId': 'vpc-0abc1234',
  'hyperaudit:vsphereSubnetIds': 'subnet-0aaa1111,subnet-0bbb2222',
  'hyperaudit:vsphereSecurityGroupId': 'sg-0ccc3333',
};

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

// Synthesising the stack takes tens of seconds on a loaded 2-core machine.
describe('the vSphere collector in the stack', { timeout: 300_000 }, () => {
  it('is off unless a vCenter URL is configured', () => {
    const { stack } = buildStack();
    expect(stack.vsphere).toBeUndefined();
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('VSPHERE_URL');
  });

  it('refuses a vCenter URL without the VPC placement that reaches it', () => {
    expect(() => buildStack({ 'hyperaudit:vsphereUrl': 'https://vc01.corp.example/sdk' })).toThrow(
      /vsphereUrl needs vsphereVpcId, vsphereSubnetIds and vsphereSecurityGroupId/,
    );
  });

  it('runs in the given subnets and security group on its own schedule, reads its secret, and passes cdk-nag', () => {
    const { stack } = buildStack(CONTEXT);
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const fn = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment).includes('VSPHERE_URL'),
    );
    expect(fn?.Properties.VpcConfig).toEqual({
      SubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
      SecurityGroupIds: ['sg-0ccc3333'],
    });
    expect(fn?.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(JSON.stringify(fn?.Properties.Environment)).not.toMatch(/password|SecretString/i);
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules.map((s) => s.Properties.ScheduleExpression)).toContain('rate(1 hour)');
    const policies = JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain('hyperaudit/vsphere');
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    ).toEqual([]);
  });
});
