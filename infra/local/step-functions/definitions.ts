import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What the local engine needs to know about one ASL file. */
export interface LoadedDefinition {
  /** kebab-case kind, from the file name (`main-outreach.asl.json` -> `main-outreach`). */
  kind: string;
  /** The definition with every `${...}` placeholder filled, exactly as CDK would deploy it. */
  definition: AslDefinition;
  /** Lambda ARN and function name -> function folder, for the Task states that call our handlers. */
  functions: Map<string, string>;
}

export interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Retry?: unknown[];
  Catch?: unknown[];
  TimestampPath?: string;
  Timestamp?: string;
  Seconds?: number;
  SecondsPath?: string;
  InputPath?: string | null;
  OutputPath?: string | null;
  TimeoutSeconds?: number;
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';
/** Local functions are named `recoup-<folder>` (the stack's step function name prefix locally). */
export const LOCAL_FUNCTION_NAME_PREFIX = 'recoup-';
/** The local stand-in of `STATE_MACHINE_ARN_PREFIX`: machines are named `recoup-<kind>`. */
export const LOCAL_STATE_MACHINE_ARN_PREFIX = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:recoup-`;

/** `SendEmail` -> `send-email`: the placeholder's PascalName back to the function folder. */
export function pascalToKebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

export function localFunctionArn(folder: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${LOCAL_FUNCTION_NAME_PREFIX}${folder}`;
}

/**
 * Fills the definition substitutions CDK fills on AWS: `${<PascalName>FunctionArn}` becomes
 * a Lambda ARN whose function is `functions/<kebab-name>/handler.ts` (reachable by that ARN and
 * by its name `recoup-<kebab-name>`), `${StateMachineArnPrefix}` the local machine prefix and
 * `${StepFunctionNamePrefix}` the local function name prefix. An unknown placeholder is an error, so a typo fails at start, not mid-run.
 */
export function substitute(text: string, file: string): { text: string; functions: Map<string, string> } {
  const functions = new Map<string, string>();
  const out = text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const fn = /^(\w+)FunctionArn$/.exec(name);
    if (fn) {
      const folder = pascalToKebab(fn[1]!);
      const arn = localFunctionArn(folder);
      functions.set(arn, folder);
      functions.set(`${LOCAL_FUNCTION_NAME_PREFIX}${folder}`, folder);
      return arn;
    }
    if (name === 'StateMachineArnPrefix') return LOCAL_STATE_MACHINE_ARN_PREFIX;
    if (name === 'StepFunctionNamePrefix') return LOCAL_FUNCTION_NAME_PREFIX;
    throw new Error(`${file}: unknown placeholder ${whole}; use \${<PascalName>FunctionArn}, \${StepFunctionNamePrefix} or \${StateMachineArnPrefix}`);
  });
  return { text: out, functions };
}

export function loadDefinition(path: string): LoadedDefinition {
  const file = path.split(/[\\/]/).pop()!;
  const kind = file.replace(/\.asl\.json$/, '');
  const { text, functions } = substitute(readFileSync(path, 'utf8'), file);
  let definition: AslDefinition;
  try {
    definition = JSON.parse(text) as AslDefinition;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return { kind, definition, functions };
}

export function loadDefinitions(dir: string): LoadedDefinition[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.asl.json'))
    .sort()
    .map((f) => loadDefinition(join(dir, f)));
}

/** Every state of a definition, nested Map and Parallel states included. */
export function* allStates(def: AslDefinition): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(def.States)) {
    yield [name, state];
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) yield* allStates(inner);
    for (const b of state.Branches ?? []) yield* allStates(b);
  }
}
