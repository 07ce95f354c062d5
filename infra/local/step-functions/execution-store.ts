import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** What is kept of an execution across restarts (dates as ISO text). */
export interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: string;
  stopDate?: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  transitions: number;
  taskInvocations: number;
  historyEvents?: number;
}

/** One finished call of a local task (a handler, or a Wait on the virtual clock), in call order. */
export interface JournalEntry {
  /** The call's place in its execution: 0, 1, 2, ... */
  n: number;
  state: string;
  /** Virtual time the call ended. */
  at: string;
  out?: unknown;
  err?: { name: string; message: string };
}

/**
 * The local Step Functions' memory on disk, under `<dataDir>/step-functions/`:
 * `executions.jsonl` (a line per start and per status change; the last line of an ARN wins) and
 * `journal.jsonl` (a line per finished task call of a running execution). Lines are appended
 * with one write(2) each as things happen, so a killed process (SIGKILL included) loses at most
 * the call in flight. Opening the store compacts both files: ended executions keep their record
 * (for ListExecutions and DescribeExecution) but drop their journal.
 */
export class ExecutionStore {
  private readonly dir: string;
  private executionsFd: number;
  private journalFd: number;
  readonly executions = new Map<string, StoredExecution>();
  readonly journals = new Map<string, JournalEntry[]>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'step-functions');
    mkdirSync(this.dir, { recursive: true });
    for (const r of readLines<StoredExecution>(this.path('executions.jsonl'))) this.executions.set(r.executionArn, r);
    for (const j of readLines<JournalEntry & { arn: string }>(this.path('journal.jsonl'))) {
      if (this.executions.get(j.arn)?.status !== 'RUNNING') continue;
      const { arn, ...entry } = j;
      const list = this.journals.get(arn) ?? [];
      // A line is written once per call; a duplicate n (never expected) keeps the first answer.
      if (!list.some((x) => x.n === entry.n)) list.push(entry);
      this.journals.set(arn, list);
    }
    for (const list of this.journals.values()) list.sort((a, b) => a.n - b.n);
    rewrite(this.path('executions.jsonl'), [...this.executions.values()]);
    rewrite(
      this.path('journal.jsonl'),
      [...this.journals].flatMap(([arn, list]) => list.map((e) => ({ arn, ...e }))),
    );
    this.executionsFd = openSync(this.path('executions.jsonl'), 'a');
    this.journalFd = openSync(this.path('journal.jsonl'), 'a');
  }

  /** Running executions to resume, oldest first, with their journals. */
  running(): { record: StoredExecution; journal: JournalEntry[] }[] {
    return [...this.executions.values()].filter((r) => r.status === 'RUNNING').map((record) => ({ record, journal: this.journals.get(record.executionArn) ?? [] }));
  }

  saveExecution(r: StoredExecution): void {
    this.executions.set(r.executionArn, r);
    writeSync(this.executionsFd, `${JSON.stringify(r)}\n`);
  }

  appendJournal(executionArn: string, entry: JournalEntry): void {
    writeSync(this.journalFd, `${JSON.stringify({ arn: executionArn, ...entry })}\n`);
  }

  close(): void {
    closeSync(this.executionsFd);
    closeSync(this.journalFd);
  }

  private path(file: string): string {
    return join(this.dir, file);
  }
}

/** JSON lines of a file; a torn last line (the process died mid-write) is skipped. */
function readLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // only the last line can be torn; nothing after it was written
    }
  }
  return out;
}

function rewrite(path: string, rows: unknown[]): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  renameSync(tmp, path);
}
