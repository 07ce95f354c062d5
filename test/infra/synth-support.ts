import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../infra/function-catalog';
import { RecoupStack, type RecoupStackProps } from '../../infra/recoup-stack';

/** The context of cdk.json (feature flags), so tests synthesise what `npm run synth` does. */
function cdkContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

/**
 * Builds the stack without bundling (no esbuild runs) and, unless asked, without the built-in
 * CloudFormation template validation (its rules engine takes ~5 s to start; the cdk-nag test
 * and `npm run synth` keep it on).
 */
export function buildStack(props: RecoupStackProps = {}, opts: { cfnValidation?: boolean } = {}): { app: App; stack: RecoupStack; template: Template } {
  const app = new App({ context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: opts.cfnValidation ?? false });
  const stack = new RecoupStack(app, 'Recoup', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(scope: { node: { defaultChild?: unknown } }, stack: Stack): string {
  const child = scope.node.defaultChild;
  if (!child) throw new Error('construct has no default CloudFormation resource');
  return stack.getLogicalId(child as never);
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Allow statements of every IAM policy attached to a role (by logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
