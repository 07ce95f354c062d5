import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Functions } from '../../infra/constructs/functions';
import type { Template } from 'aws-cdk-lib/assertions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { pascalCase } from '../../infra/constructs/names';
import { analyseDefinition, stateMachineKinds, Workflows, type DefinitionAnalysis } from '../../infra/constructs/workflows';
import { functionFolders, PROJECT_ROOT } from '../../infra/function-catalog';
import type { RecoupStack } from '../../infra/recoup-stack';
import { asArray, buildStack, logicalId, statementsOfRole } from './synth-support';

/** The invariants every machine keeps, whatever its definition says. */
function expectWellFormedMachine(template: Template, stack: RecoupStack, kind: string, machine: StateMachine, analysis: DefinitionAnalysis) {
  const id = logicalId(machine, stack as Stack);
  const resource = template.findResources('AWS::StepFunctions::StateMachine')[id]!;
  const p = resource.Properties;
  expect(p.StateMachineType).toBe('STANDARD');
  expect(p.StateMachineName).toBe(`${stack.stateMachinePrefix}${kind}`);
  expect(p.TracingConfiguration).toEqual({ Enabled: true });
  expect(p.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  expect(p.LoggingConfiguration.Destinations).toHaveLength(1);

  // Every placeholder is filled, with the ARN of the function of that name.
  const substitutions = p.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
  expect(Object.keys(substitutions).sort()).toEqual([...analysis.placeholders].sort());
  for (const fn of analysis.functions) {
    expect(substitutions[`${pascalCase(fn)}FunctionArn`]).toEqual({ 'Fn::GetAtt': [logicalId(stack.functions.get(fn)!.fn, stack as Stack), 'Arn'] });
  }

  // A step names its function by short key: the machine builds `<prefix><folder>`, the name each such function has.
  if (analysis.namesStepFunctions) {
    expect(p.DefinitionSubstitutions.StepFunctionNamePrefix).toBe(stack.stateMachinePrefix);
    const lambdas = template.findResources('AWS::Lambda::Function');
    for (const fn of analysis.functions) expect(lambdas[logicalId(stack.functions.get(fn)!.fn, stack as Stack)]!.Properties.FunctionName, fn).toBe(`${stack.stateMachinePrefix}${fn}`);
  }

  // The role may invoke exactly the functions the definition names: no more, no wildcard.
  const statements = statementsOfRole(template, logicalId(machine.role, stack as Stack));
  const invoke = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('lambda:')));
  const invoked = invoke.flatMap((s) => asArray(s.Resource)).map((r) => (r as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
  expect(invoke.flatMap((s) => asArray(s.Action))).toEqual(analysis.functions.length ? ['lambda:InvokeFunction'] : []);
  expect(invoked.sort()).toEqual(analysis.functions.map((f) => logicalId(stack.functions.get(f)!.fn, stack as Stack)).sort());
  const startsOthers = statements.some((s) => asArray(s.Action).includes('states:StartExecution'));
  expect(startsOthers).toBe(analysis.startsExecutions);
}

describe('analyseDefinition', () => {
  const asl = (resource: string, extra = '') =>
    `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${resource}",${extra}"End":true}}}`;

  it('maps ${<PascalName>FunctionArn} to the function folder', () => {
    expect(analyseDefinition(asl('${SendEmailFunctionArn}')).functions).toEqual(['send-email']);
    expect(analyseDefinition(asl('${RecordStepFailureFunctionArn}')).functions).toEqual(['record-step-failure']);
  });

  it('lambda:invoke with FunctionName from the input: grants exactly the functions the Task names in its Comment', () => {
    const dynamic = (comment: string) =>
      asl('arn:aws:states:::lambda:invoke', `"Comment":"${comment}","Parameters":{"FunctionName.$":"$.step.fn","Payload.$":"$"},`);
    expect(analyseDefinition(dynamic('one of ${SendEmailFunctionArn}, ${PlanCheckFunctionArn}')).functions).toEqual(['plan-check', 'send-email']);
    // Without the list, the role could not be narrowed: refused at synth, naming the fix.
    expect(() => analyseDefinition(dynamic('any function'), 'state-machines/x.asl.json')).toThrow(/x\.asl\.json .*lambda:invoke.*FunctionName\.\$ with the functions it may name/);
  });

  it('recognises starting another machine by prefix', () => {
    const a = analyseDefinition(asl('arn:aws:states:::states:startExecution', '"Parameters":{"StateMachineArn":"${StateMachineArnPrefix}retry"},'));
    expect(a).toMatchObject({ functions: [], startsExecutions: true });
  });

  it('refuses a placeholder nothing fills, naming the file and the fix', () => {
    expect(() => analyseDefinition(asl('${SendEmailFunctionArn}', '"Parameters":{"t":"${TableName}"},'), 'state-machines/x.asl.json')).toThrow(
      /state-machines\/x\.asl\.json uses the placeholder \$\{TableName\}.*FunctionArn/,
    );
  });

  it('refuses a service integration the construct does not grant', () => {
    expect(() => analyseDefinition(asl('arn:aws:states:::sns:publish'), 'state-machines/x.asl.json')).toThrow(/\$\.States\.A: Task resource "arn:aws:states:::sns:publish" is not granted/);
  });

  it('refuses invalid JSON with the file name', () => {
    expect(() => analyseDefinition('{"StartAt":', 'state-machines/bad.asl.json')).toThrow(/state-machines\/bad\.asl\.json is not valid JSON/);
  });
});

describe('state machines from a folder of definitions', () => {
  // Fixture definitions over functions that exist, so this runs whatever state-machines/ holds.
  const [first, second] = functionFolders();
  const folder = mkdtempSync(join(tmpdir(), 'recoup-asl-'));
  const task = (fn: string, next?: string) => ({ Type: 'Task', Resource: `\${${pascalCase(fn)}FunctionArn}`, ...(next ? { Next: next } : { End: true }) });
  writeFileSync(join(folder, 'first-kind.asl.json'), JSON.stringify({ StartAt: 'A', States: { A: task(first!) } }));
  writeFileSync(
    join(folder, 'second-kind.asl.json'),
    JSON.stringify({
      StartAt: 'A',
      States: {
        A: task(first!, 'B'),
        B: task(second!, 'C'),
        C: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: '${StateMachineArnPrefix}first-kind', 'Input.$': '$' }, End: true },
      },
    }),
  );
  const { stack, template } = buildStack({ stateMachinesFolder: folder, onMissingFunction: 'skip' });

  it('builds one Standard machine per file, named <prefix><kind>', () => {
    expect([...stack.workflows.machines.keys()]).toEqual(['first-kind', 'second-kind']);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  });

  it('each machine logs, traces, fills its placeholders and may invoke only its own functions', () => {
    for (const [kind, machine] of stack.workflows.machines) {
      expectWellFormedMachine(template, stack, kind, machine, stack.workflows.analyses.get(kind)!);
    }
    // The fixture's first machine names one function; its role must not reach the second.
    expect(stack.workflows.analyses.get('first-kind')!.functions).toEqual([first]);
  });

  it('the dashboard graphs started, failed, stopped and throttled executions; each machine alarms on failures, not on the stops of phase changes', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const metric of ['ExecutionsStarted', 'ExecutionsFailed', 'ExecutionsAborted', 'ExecutionThrottled']) expect(body).toContain(metric);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    for (const machine of stack.workflows.machines.values()) {
      const id = logicalId(machine, stack as Stack);
      expect(body).toContain(id);
      const alarm = alarms.find((a) => JSON.stringify(a.Properties.Metrics ?? []).includes(id));
      expect(alarm?.Properties.Metrics.map((m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    }
  });

  it('the app refuses a definition naming a function that does not exist', () => {
    const bad = mkdtempSync(join(tmpdir(), 'recoup-asl-'));
    writeFileSync(join(bad, 'x.asl.json'), JSON.stringify({ StartAt: 'A', States: { A: task('no-such-function') } }));
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const scratch = new Stack(app, 'Scratch');
    const functions = new Functions(scratch, 'Functions', { names: [first!] });
    expect(() => new Workflows(scratch, 'Workflows', { functions, prefix: 'x-', folder: bad })).toThrow(/x\.asl\.json calls functions\/no-such-function/);
    // 'skip' leaves it out and says why.
    const skipped = new Workflows(scratch, 'Skipping', { functions, prefix: 'x-', folder: bad, onMissingFunction: 'skip' });
    expect(skipped.machines.size).toBe(0);
    expect(skipped.pending.get('x')).toEqual(['no-such-function']);
  });
});

describe('the state machines of state-machines/', () => {
  const kinds = stateMachineKinds(join(PROJECT_ROOT, 'state-machines'));
  // 'skip' leaves out a machine only while a function it names is not written yet; that
  // machine's test below is skipped (and says which functions) until the folder appears.
  const { stack, template } = buildStack({ onMissingFunction: 'skip' });

  it('every file is either built or waiting for named functions', () => {
    expect([...stack.workflows.machines.keys(), ...stack.workflows.pending.keys()].sort()).toEqual(kinds);
  });

  for (const kind of kinds) {
    const pending = stack.workflows.pending.get(kind);
    it.skipIf(Boolean(pending))(`${kind}${pending ? ` (waiting for functions/${pending.join(', ')})` : ''} is a well-formed Standard machine`, () => {
      expectWellFormedMachine(template, stack, kind, stack.workflows.machines.get(kind)!, stack.workflows.analyses.get(kind)!);
    });
  }
});
