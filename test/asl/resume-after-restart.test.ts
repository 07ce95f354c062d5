import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExecutionStore } from '../../infra/local/step-functions/execution-store';
import { VirtualClock } from '../../infra/local/virtual-clock';
import { day, harness, last, step } from '../support/local-sfn';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it('a restarted engine resumes a running execution from its journal: done steps are not run again, the rest run when due', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'recoup-sfn-store-'));
  dirs.push(dataDir);
  const steps = [step(day(1), 0, 'email'), step(day(2), 1, 'sms'), step(day(5), 2, 'email'), step(day(9), 3, 'sms', last)];
  const stubsFailingOnce = () => {
    let smsTries = 0;
    return {
      'send-email': () => ({ status: 'sent' }),
      // The second step's first try fails: its retry (within 30 s, full jitter) is pending when the stack dies.
      'send-sms': () => {
        if (++smsTries === 1) throw Object.assign(new Error('provider down'), { name: 'Recoup.ProviderUnavailable' });
        return { status: 'sent' };
      },
    };
  };
  const stubs = stubsFailingOnce();
  // The same execution run without a restart: what the restarted one must do, instant for instant.
  const uninterrupted = harness(stubsFailingOnce());
  uninterrupted.start('main-outreach', steps, 'case1-mainOutreach-1');
  await uninterrupted.clock.advanceTo(new Date(day(10)));
  const retry = uninterrupted.calls[2]!;
  expect(retry.fn).toBe('send-sms');
  expect(Date.parse(retry.at) - Date.parse(day(2))).toBeGreaterThan(0);
  expect(Date.parse(retry.at) - Date.parse(day(2))).toBeLessThanOrEqual(30_000);
  const first = harness(stubs, { store: new ExecutionStore(dataDir) });
  const arn = first.start('main-outreach', steps, 'case1-mainOutreach-1');
  await first.clock.advanceTo(new Date(day(2)));
  expect(first.calls.map((c) => [c.fn, c.at])).toEqual([
    ['send-email', day(1)],
    ['send-sms', day(2)],
  ]);
  // The process dies here (nothing is stopped or flushed); the data folder is all that is left.

  const second = harness(stubs, { store: new ExecutionStore(dataDir), clock: new VirtualClock(first.clock.now()) });
  expect(second.engine.describeExecution(arn)).toMatchObject({ status: 'RUNNING', name: 'case1-mainOutreach-1' });
  expect(second.engine.resume()).toBe(1);
  await second.clock.advanceTo(new Date(day(10)));
  // Nothing done before is done again; the retry comes when it would have without the restart, then the rest when due.
  expect(second.calls.map((c) => [c.fn, c.at])).toEqual([
    ['send-sms', retry.at],
    ['send-email', day(5)],
    ['send-sms', day(9)],
  ]);
  expect(uninterrupted.calls.slice(2).map((c) => [c.fn, c.at])).toEqual(second.calls.map((c) => [c.fn, c.at]));
  expect(second.engine.describeExecution(arn).status).toBe('SUCCEEDED');

  // And the ended execution is still listed after another restart.
  const third = harness(stubs, { store: new ExecutionStore(dataDir), clock: new VirtualClock(second.clock.now()) });
  expect(third.engine.resume()).toBe(0);
  expect(third.engine.allExecutions().map((e) => [e.name, e.status])).toEqual([['case1-mainOutreach-1', 'SUCCEEDED']]);
});
