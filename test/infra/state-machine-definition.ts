/**
 * The state machine definition is a Fn::Join of JSON text and CloudFormation references; replacing each
 * reference by a placeholder string gives JSON that can be inspected like the deployed definition.
 */
export function renderDefinition(definitionString: unknown): Record<string, unknown> {
  if (typeof definitionString === 'string') return JSON.parse(definitionString) as Record<string, unknown>;
  const join = (definitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1]
    .map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`))
    .join(join[0]);
  return JSON.parse(text) as Record<string, unknown>;
}
