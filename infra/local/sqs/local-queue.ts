import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';

/** A message as the queue keeps it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  /** How often it was handed out (ApproximateReceiveCount). */
  receives: number;
  /** Real time (ms) before which it is not handed out again (in flight, or just sent with a delay). */
  invisibleUntil: number;
  /** The receipt handle of its latest receive: delete and visibility changes need it. */
  receipt?: string;
}

export interface LocalQueueOptions {
  name: string;
  /** Folder of the queue's journal; nothing persisted when absent. */
  dir?: string;
  /** Default visibility timeout of a receive, in milliseconds. */
  visibilityTimeoutMs: number;
  /** Receives after which a message goes to the dead letters (the redrive policy). */
  maxReceiveCount: number;
}

type Line =
  | { op: 'sent'; id: string; body: string; at: number; receives?: number }
  | { op: 'received'; ids: string[] }
  | { op: 'deleted'; id: string }
  | { op: 'dead'; id: string };

export const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * One standard SQS queue with its dead-letter queue, on this machine. Sent messages are
 * appended to `<dir>/<name>.jsonl` with one write(2) each (a line per send, delete and move to
 * the dead letters), so a stopped or killed stack loses none: a message that was in flight when
 * the process ended is visible again at the next start, as one whose visibility timeout ran out
 * is on AWS. Receives are journalled too (a line per batch handed out), so a message that keeps
 * failing reaches the dead letters after maxReceiveCount receives however often the stack
 * restarts, as SQS's ApproximateReceiveCount does. Opening the journal compacts it.
 */
export class LocalQueue {
  private readonly messages = new Map<string, QueuedMessage>();
  readonly deadLetters: QueuedMessage[] = [];
  private fd: number | undefined;
  private closed = false;
  private listeners: ((count: number) => void)[] = [];

  constructor(readonly opts: LocalQueueOptions) {
    if (!opts.dir) return;
    mkdirSync(opts.dir, { recursive: true });
    const path = join(opts.dir, `${opts.name}.jsonl`);
    const dead = new Map<string, QueuedMessage>();
    for (const line of readLines(path)) {
      if (line.op === 'sent') this.messages.set(line.id, { ...message(line.id, line.body, line.at), receives: line.receives ?? 0 });
      else if (line.op === 'received') {
        for (const id of line.ids) {
          const m = this.messages.get(id);
          if (m) m.receives++;
        }
      }
      else if (line.op === 'deleted') this.messages.delete(line.id);
      else {
        const m = this.messages.get(line.id);
        if (m) dead.set(line.id, m);
        this.messages.delete(line.id);
      }
    }
    this.deadLetters.push(...dead.values());
    const rows: Line[] = [
      ...[...this.messages.values(), ...this.deadLetters].map((m): Line => ({ op: 'sent', id: m.messageId, body: m.body, at: m.sentAt, ...(m.receives ? { receives: m.receives } : {}) })),
      ...this.deadLetters.map((m): Line => ({ op: 'dead', id: m.messageId })),
    ];
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, path);
    this.fd = openSync(path, 'a');
  }

  get name(): string {
    return this.opts.name;
  }

  /** Messages waiting or in flight (ApproximateNumberOfMessages + ...NotVisible). */
  get size(): number {
    return this.messages.size;
  }

  send(bodies: readonly string[]): QueuedMessage[] {
    // Accepting it could not keep it: the journal is shut, so the message would be gone at the next start.
    if (this.closed) throw new Error(`the queue ${this.name} is closed: the local stack is stopping`);
    const now = Date.now();
    const out = bodies.map((body) => message(randomUUID(), body, now));
    for (const m of out) this.messages.set(m.messageId, m);
    this.append(out.map((m) => ({ op: 'sent', id: m.messageId, body: m.body, at: m.sentAt })));
    for (const l of [...this.listeners]) l(out.length);
    return out;
  }

  /**
   * Hands out up to `max` visible messages, oldest first, hidden for `visibilityMs`. A message
   * handed out more than maxReceiveCount times goes to the dead letters instead.
   */
  receive(max: number, visibilityMs = this.opts.visibilityTimeoutMs): QueuedMessage[] {
    const now = Date.now();
    const out: QueuedMessage[] = [];
    for (const m of this.messages.values()) {
      if (out.length >= max) break;
      if (m.invisibleUntil > now) continue;
      if (m.receives >= this.opts.maxReceiveCount) {
        this.messages.delete(m.messageId);
        this.deadLetters.push(m);
        this.append([{ op: 'dead', id: m.messageId }]);
        continue;
      }
      m.receives++;
      m.invisibleUntil = now + visibilityMs;
      m.receipt = `${m.messageId}#${randomUUID()}`;
      out.push(m);
    }
    if (out.length) this.append([{ op: 'received', ids: out.map((m) => m.messageId) }]);
    return out;
  }

  /** Deletes by receipt handle; false when the handle is not the message's latest (SQS then deletes nothing). */
  delete(receipt: string): boolean {
    const m = this.byReceipt(receipt);
    if (!m) return false;
    this.messages.delete(m.messageId);
    this.append([{ op: 'deleted', id: m.messageId }]);
    return true;
  }

  changeVisibility(receipt: string, visibilityMs: number): boolean {
    const m = this.byReceipt(receipt);
    if (!m) return false;
    m.invisibleUntil = Date.now() + visibilityMs;
    if (visibilityMs === 0) for (const l of [...this.listeners]) l(0);
    return true;
  }

  /** Real time (ms) at which the next hidden message becomes visible, if any (now or earlier when one is visible). */
  nextVisibleAt(): number | undefined {
    const now = Date.now();
    let next: number | undefined;
    for (const m of this.messages.values()) {
      // Oldest first, and a waiting backlog is visible: a big queue is not walked to its end.
      if (m.invisibleUntil <= now) return m.invisibleUntil;
      if (next === undefined || m.invisibleUntil < next) next = m.invisibleUntil;
    }
    return next;
  }

  /** Called with the count of every send (the event source mapping's poller listens). */
  onMessage(listener: (count: number) => void): () => void {
    this.listeners.push(listener);
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /**
   * Shuts the journal. A consumer still finishing a batch may delete its messages afterwards:
   * those deletes are not journalled, so the messages come back at the next start, as an SQS
   * message whose consumer never confirmed it does (at-least-once; the consumers are idempotent).
   */
  close(): void {
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private byReceipt(receipt: string): QueuedMessage | undefined {
    const m = this.messages.get(receipt.split('#')[0]!);
    return m && m.receipt === receipt ? m : undefined;
  }

  private append(lines: Line[]): void {
    if (this.fd !== undefined && lines.length) writeSync(this.fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }
}

function message(messageId: string, body: string, sentAt: number): QueuedMessage {
  return { messageId, body, md5OfBody: md5(body), sentAt, receives: 0, invisibleUntil: 0 };
}

/** JSON lines of a file; a torn last line (the process died mid-write) is skipped. */
function readLines(path: string): Line[] {
  if (!existsSync(path)) return [];
  const out: Line[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Line);
    } catch {
      // only the last line can be torn
    }
  }
  return out;
}
