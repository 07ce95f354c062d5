import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Functions } from '../../infra/constructs/functions';
import { Imports } from '../../infra/constructs/imports';
import { pascalCase } from '../../infra/constructs/names';
import { Storage } from '../../infra/constructs/storage';
import { functionFolders } from '../../infra/function-catalog';
import { buildStack } from './synth-support';

/**
 * cdk-nag 3 is a CDK validation plugin: findings are returned as a report (and fail
 * `cdk synth`), not added as annotations, so the report is what we assert on.
 */
function findings(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

describe('cdk-nag AwsSolutions', () => {
  it('reports findings on a construct that breaks the rules (the check is live)', () => {
    const app = new App();
    new Bucket(new Stack(app, 'Scratch'), 'Open', {});
    expect(findings(app).join('\n')).toMatch(/AwsSolutions-S1 at Scratch\/Open/);
  });

  it('an acknowledgement silences exactly its finding', () => {
    const app = new App();
    const bucket = new Bucket(new Stack(app, 'Scratch'), 'Open', {});
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test' });
    const left = findings(app).join('\n');
    expect(left).not.toMatch(/AwsSolutions-S1 /);
    expect(left).toMatch(/AwsSolutions-S10 /);
  });

  it('the stack has no unacknowledged errors or warnings, and synthesises with cdk-nag and CloudFormation validation on', () => {
    const { app } = buildStack({ onMissingFunction: 'skip' }, { cfnValidation: true });
    expect(findings(app)).toEqual([]);
    // As `npm run synth` does: the pack registered on the app, plus the built-in template checks.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: { pluginName: string; violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${JSON.stringify(v).slice(0, 300)}`))).toEqual([]);
    // Two syntheses of the whole stack (two APIs of every route): slow on a busy machine.
  }, 120_000);

  it('neither does the import path: drop-bucket notification and start-queue consumer', () => {
    // Wired to any existing function, so this runs before import-csv and start-workflow exist.
    const [fn] = functionFolders();
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Imports');
    const storage = new Storage(stack, 'Storage');
    const functions = new Functions(stack, 'Functions', { names: [fn!] });
    new Imports(stack, 'Imports', { dropBucket: storage.dropBucket, importFunctions: functions.all, starterFunctions: functions.all });
    expect(stack.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834')).toBeDefined();
    expect(findings(app)).toEqual([]);
  });

  it('neither do state machines, including one that starts another machine', () => {
    const [fn] = functionFolders();
    const folder = mkdtempSync(join(tmpdir(), 'recoup-asl-'));
    writeFileSync(
      join(folder, 'nag-kind.asl.json'),
      JSON.stringify({
        StartAt: 'A',
        States: {
          A: { Type: 'Task', Resource: `\${${pascalCase(fn!)}FunctionArn}`, Next: 'B' },
          B: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: '${StateMachineArnPrefix}nag-kind' }, End: true },
        },
      }),
    );
    const { app, stack } = buildStack({ stateMachinesFolder: folder, onMissingFunction: 'skip' });
    expect(stack.workflows.machines.size).toBe(1);
    expect(findings(app)).toEqual([]);
  });
});
