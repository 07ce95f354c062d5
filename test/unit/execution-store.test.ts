import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExecutionStore, type StoredExecution } from '../../infra/local/step-functions/execution-store';

const dir = mkdtempSync(join(tmpdir(), 'recoup-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exec = (name: string, status: string): StoredExecution => ({
  executionArn: `arn:x:${name}`,
  stateMachineArn: 'arn:x',
  name,
  status,
  startDate: '2026-01-05T09:00:00.000Z',
  input: '{}',
  transitions: 0,
  taskInvocations: 0,
});

it('keeps the last record of each execution and the journal of running ones only; a torn last line is skipped', () => {
  const a = new ExecutionStore(dir);
  a.saveExecution(exec('running', 'RUNNING'));
  a.saveExecution(exec('ended', 'RUNNING'));
  a.appendJournal('arn:x:running', { n: 0, state: 'WaitUntilDue', at: '2026-01-06T09:00:00.000Z' });
  a.appendJournal('arn:x:running', { n: 1, state: 'RunStep', at: '2026-01-06T09:00:00.000Z', out: { Payload: { status: 'sent' } } });
  a.appendJournal('arn:x:ended', { n: 0, state: 'WaitUntilDue', at: '2026-01-06T09:00:00.000Z' });
  a.saveExecution(exec('ended', 'SUCCEEDED'));
  // The process dies in the middle of writing a line.
  appendFileSync(join(dir, 'step-functions', 'journal.jsonl'), '{"arn":"arn:x:running","n":2,"sta');

  const b = new ExecutionStore(dir);
  expect([...b.executions.values()].map((e) => [e.name, e.status])).toEqual([
    ['running', 'RUNNING'],
    ['ended', 'SUCCEEDED'],
  ]);
  expect(b.running().map((r) => [r.record.name, r.journal.map((j) => j.n)])).toEqual([['running', [0, 1]]]);
  expect(b.running()[0]!.journal[1]!.out).toEqual({ Payload: { status: 'sent' } });
  // Compacted on open: one line per execution, no journal of ended ones, no torn line.
  expect(readFileSync(join(dir, 'step-functions', 'executions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  expect(readFileSync(join(dir, 'step-functions', 'journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  a.close();
  b.close();
});
