import { config } from './config';

let stepArns: { source: string; map: Record<string, string> } | undefined;

/**
 * The Lambda ARN of a step function folder (functions/<folder>), from WORKFLOW_FUNCTION_ARNS:
 * set by the stack on AWS (the catalog's `workflowFunctionArns`), by the local Step Functions
 * plugin locally.
 */
export function stepFunctionArn(folder: string): string {
  const source = config().WORKFLOW_FUNCTION_ARNS;
  if (!source) throw new Error('WORKFLOW_FUNCTION_ARNS is not set; the stack sets it for the function that schedules runs (start-workflow)');
  if (stepArns?.source !== source) {
    let map: unknown;
    try {
      map = JSON.parse(source);
    } catch {
      throw new Error('WORKFLOW_FUNCTION_ARNS is not JSON; it must be an object of function folder -> Lambda ARN');
    }
    stepArns = { source, map: map as Record<string, string> };
  }
  const arn = stepArns.map[folder];
  if (!arn) throw new Error(`WORKFLOW_FUNCTION_ARNS has no ARN for functions/${folder}; add it to the stack's step functions`);
  return arn;
}
