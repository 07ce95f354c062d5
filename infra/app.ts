import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RecoupStack } from './recoup-stack';

/**
 * The CDK app. Synthesises offline: with no account or region in the environment the stack
 * is environment-agnostic (pseudo parameters), which `cdk deploy` resolves at deploy time.
 */
const app = new App();
new RecoupStack(app, 'Recoup', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  alarmEmail: app.node.tryGetContext('recoup:alarmEmail') as string | undefined,
});
// Best-practice checks run during synthesis; a finding fails `cdk synth` unless it is
// acknowledged on its construct with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
