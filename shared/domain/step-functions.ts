/**
 * Which function runs a step of the walk. The state machines invoke the step's function by
 * name (one Task per step instead of a Choice plus a Task per channel), so the schedule names
 * the function by its folder and the machine adds the stack's function name prefix; this table
 * is the one place that maps node types to function folders.
 */
export const STEP_FUNCTION_OF = {
  email: 'send-email',
  sms: 'send-sms',
  voice: 'voice-call',
  call: 'call-centre',
  letter: 'send-letter',
  ticket: 'create-ticket',
  /** A payment plan's due check of an instalment. */
  check: 'plan-check',
  /** The end of a run that has no node of its own at that instant (end of a breathing space, an empty run). */
  end: 'workflow-end',
} as const;

/** Catch target of the walk; also runs steps of an unknown node type, which it records as failed. */
export const STEP_FAILURE_FUNCTION = 'record-step-failure';

/** Every function a walk may invoke by name: what each state machine's role is allowed to call; they get deterministic names on AWS. */
export const STEP_FUNCTIONS: readonly string[] = [...new Set([...Object.values(STEP_FUNCTION_OF), STEP_FAILURE_FUNCTION])].sort();

/** The function folder for a node type; an unknown type goes to the failure recorder. */
export function stepFunctionFolder(nodeType: string): string {
  return (STEP_FUNCTION_OF as Record<string, string>)[nodeType] ?? STEP_FAILURE_FUNCTION;
}
