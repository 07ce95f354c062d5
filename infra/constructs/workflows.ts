import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from '../function-catalog';
import type { Functions } from './functions';
import { stateMachineArns } from './house-function';
import { kebabCase, pascalCase } from './names';
import { acknowledge } from './nag';
import { STEP_FUNCTIONS } from '../../shared/domain/step-functions';

export interface WorkflowsProps {
  readonly functions: Functions;
  /** Machine names are `<prefix><kebab-kind>`; functions find them by the same rule. */
  readonly prefix: string;
  /** Folder of `*.asl.json` files. @default state-machines/ of the project */
  readonly folder?: string;
  /** @default three months */
  readonly logRetention?: RetentionDays;
  /**
   * What to do with a definition that names a function whose folder does not exist yet:
   * 'error' (the app: nothing half-wired deploys) or 'skip' (tests while functions are being
   * written; skipped kinds are listed in `pending`). @default 'error'
   */
  readonly onMissingFunction?: 'error' | 'skip';
}

/** What a definition refers to, read from its text. */
export interface DefinitionAnalysis {
  /** Function folders invoked through `${<PascalName>FunctionArn}`. */
  readonly functions: string[];
  /** Whether it starts other executions of this stack (`${StateMachineArnPrefix}`). */
  readonly startsExecutions: boolean;
  /** Whether it builds step function names from `${StepFunctionNamePrefix}` (and a step's short key). */
  readonly namesStepFunctions: boolean;
  /** Every `${...}` placeholder in the text. */
  readonly placeholders: string[];
}

const FUNCTION_ARN = /^([A-Z][A-Za-z0-9]*)FunctionArn$/;
const KNOWN_PLACEHOLDERS = new Set(['StateMachineArnPrefix', 'StepFunctionNamePrefix']);

/** The `${...}` placeholders of a definition and the functions and machines they name. */
export function analyseDefinition(text: string, file = 'definition'): DefinitionAnalysis {
  let asl: unknown;
  try {
    asl = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); fix it before synthesising.`);
  }
  const placeholders = [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
  const functions: string[] = [];
  for (const p of placeholders) {
    const m = FUNCTION_ARN.exec(p);
    if (m) functions.push(kebabCase(m[1]!));
    else if (!KNOWN_PLACEHOLDERS.has(p)) {
      throw new Error(
        `${file} uses the placeholder \${${p}}, which the stack does not fill. Use \${<PascalName>FunctionArn} for a function of functions/, \${StepFunctionNamePrefix} or \${StateMachineArnPrefix}.`,
      );
    }
  }
  checkTaskResources(asl, file);
  return {
    functions: functions.sort(),
    startsExecutions: placeholders.includes('StateMachineArnPrefix'),
    namesStepFunctions: placeholders.includes('StepFunctionNamePrefix'),
    placeholders,
  };
}

/**
 * Grants are derived from the text, so a Task on a service this construct does not grant
 * would fail at run time with AccessDenied; fail at synth instead and say where.
 */
function checkTaskResources(node: unknown, file: string, path = '$'): void {
  if (Array.isArray(node)) return node.forEach((n, i) => checkTaskResources(n, file, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.Type === 'Task' && typeof o.Resource === 'string') {
    const r = o.Resource;
    const lambdaArn = /^\$\{[A-Za-z0-9]+FunctionArn\}$/.test(r);
    const params = o.Parameters as Record<string, unknown> | undefined;
    // A FunctionName from the input may name only functions the definition lists as placeholders
    // (the role is granted exactly those), so the definition must list some.
    const lambdaInvoke =
      r.startsWith('arn:aws:states:::lambda:invoke') &&
      (typeof params?.FunctionName === 'string' || (typeof params?.['FunctionName.$'] === 'string' && /\$\{[A-Za-z0-9]+FunctionArn\}/.test(String(o.Comment ?? ''))));
    const startExecution = r === 'arn:aws:states:::states:startExecution';
    if (!lambdaArn && !lambdaInvoke && !startExecution) {
      throw new Error(
        `${file} ${path}: Task resource "${r}" is not granted by infra/constructs/workflows.ts. Call our Lambdas as \${<PascalName>FunctionArn} ` +
          `(or lambda:invoke with a literal FunctionName, or FunctionName.$ with the functions it may name as placeholders in its Comment), start executions with states:startExecution, or add the grant there.`,
      );
    }
  }
  for (const [k, v] of Object.entries(o)) checkTaskResources(v, file, `${path}.${k}`);
}

/** Kinds (kebab file names without .asl.json) in a folder, sorted. */
export function stateMachineKinds(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.asl.json'))
    .map((f) => f.slice(0, -'.asl.json'.length))
    .sort();
}

/**
 * One Standard state machine per `state-machines/<kind>.asl.json`, read at synth time, with
 * its `${...FunctionArn}` placeholders filled and a role that may invoke exactly the
 * functions it names. Logs go to CloudWatch (level ALL, execution data off: inputs hold
 * debtors' contact data), X-Ray tracing is on.
 */
export class Workflows extends Construct {
  public readonly machines = new Map<string, StateMachine>();
  public readonly analyses = new Map<string, DefinitionAnalysis>();
  /** Kinds not built because functions they name do not exist yet, with those names. */
  public readonly pending = new Map<string, string[]>();
  /** Every kind of the folder, built or pending: the machine names functions may address. */
  public readonly kinds: readonly string[];

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const folder = props.folder ?? join(PROJECT_ROOT, 'state-machines');
    const kinds = stateMachineKinds(folder);
    this.kinds = kinds;
    const arns = stateMachineArns(this, props.prefix, kinds);
    const texts = new Map(kinds.map((kind) => [kind, readFileSync(join(folder, `${kind}.asl.json`), 'utf8')]));
    for (const kind of kinds) {
      const analysis = analyseDefinition(texts.get(kind)!, `state-machines/${kind}.asl.json`);
      this.analyses.set(kind, analysis);
      const missing = analysis.functions.filter((name) => !props.functions.get(name));
      if (missing.length) this.pending.set(kind, missing);
    }
    if (this.pending.size && props.onMissingFunction !== 'skip') {
      const lines = [...this.pending].map(([kind, names]) => `  state-machines/${kind}.asl.json calls ${names.map((n) => `functions/${n}`).join(', ')}`);
      throw new Error(`State machines call functions that do not exist yet (no handler.ts):\n${lines.join('\n')}\nWrite those functions (and their entries in infra/function-catalog.ts) or fix the references.`);
    }

    for (const kind of kinds) {
      if (this.pending.has(kind)) continue;
      const file = `state-machines/${kind}.asl.json`;
      const text = texts.get(kind)!;
      const analysis = this.analyses.get(kind)!;

      const substitutions: Record<string, string> = {};
      const targets = analysis.functions.map((name) => {
        const fn = props.functions.require(name, `${file} (\${${pascalCase(name)}FunctionArn})`);
        substitutions[`${pascalCase(name)}FunctionArn`] = fn.fn.functionArn;
        return fn;
      });
      if (analysis.startsExecutions) substitutions.StateMachineArnPrefix = arns.prefix;
      if (analysis.namesStepFunctions) {
        // The Task builds `<prefix><step.fn>`; the functions it may name must carry that name.
        // lambda:invoke accepts a plain name (same account and Region): https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
        const prefix = props.functions.stepFunctionNamePrefix;
        for (const t of targets) {
          if (!STEP_FUNCTIONS.includes(t.functionName)) {
            throw new Error(`${file} names functions/${t.functionName} in a step, but only the step functions of shared/domain/step-functions.ts get the name <prefix><folder>; add it there`);
          }
        }
        substitutions.StepFunctionNamePrefix = prefix;
      }

      const id = pascalCase(kind);
      const logGroup = new LogGroup(this, `${id}Logs`, {
        // The /aws/vendedlogs/ prefix keeps the account's log resource policy small.
        logGroupName: `/aws/vendedlogs/states/${props.prefix}${kind}`,
        retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
        // Named, so a log group kept after a failed first deploy would make the retry fail
        // ("already exists"): RetainExceptOnCreate deletes it when the create rolls back and
        // keeps it on a later delete or replacement.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      const machine = new StateMachine(this, id, {
        stateMachineName: `${props.prefix}${kind}`,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(text),
        definitionSubstitutions: substitutions,
        logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });

      // Unqualified function ARNs only: the Task resources name the function itself.
      if (targets.length) {
        machine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets.map((t) => t.fn.functionArn) }));
      }
      if (analysis.startsExecutions) {
        // Each machine by its exact name: a `<prefix>*` grant would also match other stacks' machines.
        machine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: arns.machines }));
      }
      acknowledge(
        machine,
        'AwsSolutions-IAM5[Resource::*]',
        'Log delivery (logs:CreateLogDelivery and related) and X-Ray (xray:PutTraceSegments) only accept "*"; CDK adds these for logging and tracing.',
      );
      this.machines.set(kind, machine);
    }
  }
}
