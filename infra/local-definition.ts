/**
 * The audit state machine's definition as the synthesized template holds it (a Fn::Join of JSON text and
 * CloudFormation references), with the references resolved for a local run: each Lambda function becomes
 * `arn:aws:lambda:local:000000000000:function:<its Powertools service name>` (`hyperaudit-<handler folder>`),
 * the reports bucket the local bucket's name. Any other reference is an error, so a new dependency of the
 * definition cannot slip through unresolved.
 */
export const LOCAL_REPORTS_BUCKET = 'hyperaudit-reports';

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'local',
  'AWS::AccountId': '000000000000',
};

export function localFunctionArn(serviceName: string): string {
  return `arn:aws:lambda:local:000000000000:function:${serviceName}`;
}

function resolveReference(part: Record<string, unknown>, resources: Record<string, TemplateResource>): string {
  const getAtt = part['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt !== undefined && getAtt[1] === 'Arn') {
    const fn = resources[getAtt[0]];
    const env = (fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    const service = env?.POWERTOOLS_SERVICE_NAME;
    if (fn?.Type === 'AWS::Lambda::Function' && typeof service === 'string') return localFunctionArn(service);
  }
  const ref = part.Ref as string | undefined;
  if (ref !== undefined && ref in PSEUDO) return PSEUDO[ref]!;
  if (ref !== undefined && resources[ref]?.Type === 'AWS::S3::Bucket') return LOCAL_REPORTS_BUCKET;
  throw new Error(`state machine definition: no local value for ${JSON.stringify(part)}`);
}

/** The one AWS::StepFunctions::StateMachine of a synthesized template, resolved for a local run. */
export function localDefinition(template: { Resources: Record<string, TemplateResource> }): Record<string, unknown> {
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const definition = machines[0]!.Properties?.DefinitionString;
  if (typeof definition === 'string') return JSON.parse(definition) as Record<string, unknown>;
  const [separator, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  // Each reference sits inside a JSON string literal of the definition text.
  const text = parts
    .map((p) => (typeof p === 'string' ? p : resolveReference(p as Record<string, unknown>, template.Resources)))
    .join(separator);
  return JSON.parse(text) as Record<string, unknown>;
}
