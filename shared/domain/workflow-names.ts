import type { WorkflowKind } from '../schemas/workflow';

/**
 * Deterministic execution names: the same case, kind and sequence number always give the
 * same name, so Step Functions refuses a second start (ExecutionAlreadyExists) on any replay.
 * Names are at most 80 characters of [A-Za-z0-9-_].
 */
export function executionName(caseId: string, kind: WorkflowKind, seq: number): string {
  const name = `${caseId}-${kind}-${seq}`.replace(/[^A-Za-z0-9-_]/g, '_');
  if (name.length > 80) throw new RangeError(`execution name too long: ${name}`);
  return name;
}
