import { App } from 'aws-cdk-lib';
import { configFromContext } from './config';
import { HyperauditStack } from './stacks/hyperaudit-stack';

const app = new App();
new HyperauditStack(app, 'Hyperaudit', {
  description: 'hyperaudit: security and compliance auditor for virtualization fleets',
  config: configFromContext(app.node),
});
app.synth();
