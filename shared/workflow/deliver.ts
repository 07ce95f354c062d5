import { createHash } from 'node:crypto';
import { nowIso, todayIso } from '../adapters/clock';
import { sendEmail } from '../adapters/channels/email';
import { ProviderError, providerError } from '../adapters/channels/errors';
import { renderLetterPdf, storeLetter } from '../adapters/channels/letters';
import { submitPrintJob } from '../adapters/channels/print-service';
import { letterKey } from '../adapters/channels/letter-keys';
import { sendSms } from '../adapters/channels/sms';
import { startCall } from '../adapters/channels/connect';
import { communications, timeline } from '../adapters/dynamo/case-repository';
import { tickets } from '../adapters/dynamo/tickets';
import { logger } from '../adapters/logger';
import { ConflictError } from '../errors';
import { countMessage } from '../adapters/metrics';
import { countSend } from '../adapters/dynamo/figure-counters';
import { communicationContent } from '../domain/communication-content';
import { balanceAsOf } from '../domain/ledger';
import { formatMoney } from '../domain/money';
import { guardSend, type SendIntent } from '../domain/send-guard';
import { addressLines, buildMergeView, findTemplate, renderMessage, type RenderedMessage } from '../domain/templates';
import type { Communication } from '../schemas/case';
import type { NodeType } from '../schemas/workflow';
import { ticketTitle } from '../schemas/ticket';
import { loadCaseContext, type CaseContext } from './case-context';
import type { CommittedStep } from './claim-step';

/** A node to deliver: what workflow nodes and phase-change messages have in common. */
export interface DeliveryNode {
  type: NodeType;
  template?: string;
  title?: string;
}

export interface DeliveryRequest extends Omit<SendIntent, 'channel'> {
  caseId: string;
  node: DeliveryNode;
  /** Idempotency key without the attempt: case, execution (or event) and node. */
  key: string;
  /** Shown on the communication: the workflow kind, or e.g. `closure`. */
  workflow: string;
  nodeIndex: number;
  /** Attempt number (calls are retried as new attempts; every other node has one). */
  attempt?: number;
  /** A plan message about this instalment (merge fields `installment.*`). */
  installmentIndex?: number;
  /** The case context when the caller has it fresh (a phase change that just wrote it). */
  context?: CaseContext;
  /**
   * Makes the send the case's own decision (workflow steps, see claim-step.ts): writes the
   * case at the version the guard read, before anything leaves, and says whether that write
   * made the send ours; or undefined when the case changed since, and the case is read and
   * guarded again. A hold or closure recorded a moment before the send therefore always wins.
   */
  commit?: (ctx: CaseContext) => Promise<CommittedStep | undefined>;
}

/** Rounds of read, guard and commit before a step gives up to its retry (the case kept changing under it). */
const MAX_COMMIT_ROUNDS = 5;

export type DeliveryOutcome =
  | { status: 'sent'; key: string; providerId: string; recipient?: string }
  | { status: 'skipped'; key: string; reason: string }
  /** The key was claimed before: this is a replay, nothing was sent now. */
  | { status: 'duplicate'; key: string; previous: Communication['status'] }
  /** Not sent and a retry cannot help (bad template, refused number): recorded as failed. */
  | { status: 'failed'; key: string; reason: string };

/** Thrown so Step Functions retries: the provider refused for now, nothing left. */
export class ProviderUnavailableError extends Error {
  override name = 'Recoup.ProviderUnavailable';
}

/** What follows a send refused for now, true on every try including the step's last. */
export const RETRY_WORDS = 'the step tries again if it has retries left, else it is given up (a later entry says so)';
export const RETRY_NOTE = '(tried again while the step has retries)';

/**
 * Thrown so Step Functions retries with its throttling rule (longer backoff, full jitter, more
 * attempts): the provider refused the send for its rate quota, nothing left. A cohort's sends
 * that meet in one second are spread apart by the jitter instead of given up.
 */
export class ProviderThrottledError extends Error {
  override name = 'Recoup.Throttled';
}

const CHANNEL_WORD: Record<NodeType, string> = { email: 'email', sms: 'SMS', voice: 'voice call', call: 'call-centre call', letter: 'letter', ticket: 'ticket' };

/**
 * Delivers one node to the debtor, at most once per key:
 * re-read the case and guard (phase, current run, hold, closed, contact) -> commit (a step's
 * write of the case at that version) -> claim the idempotency key on the communication
 * (`sending`) -> render -> send -> settle the communication and add a timeline entry.
 * A skip is recorded with its reason. A provider that refuses for now leaves the claim
 * `failed` and throws ProviderUnavailableError, so the retry may claim it again and send; an
 * outcome we cannot know (no answer) is recorded `unknown` and never retried.
 */
export async function deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
  let ctx = req.context ?? (await loadCaseContext(req.caseId));
  const attempt = req.attempt ?? 1;
  const key = `${req.key}:${attempt}`;
  const channel = req.node.type;
  const base: Communication = {
    key,
    clientId: ctx.c.clientId,
    at: nowIso(),
    channel,
    workflow: req.workflow,
    node: req.nodeIndex,
    attempt,
    ...(req.node.template ? { template: req.node.template } : {}),
    status: 'sending',
  };

  let guard = guardSend(ctx.c, { ...req, channel });
  let committed: CommittedStep | undefined;
  for (let round = 1; guard.send && req.commit; round++) {
    committed = await req.commit(ctx);
    if (committed) {
      ctx = committed.context;
      break;
    }
    if (round >= MAX_COMMIT_ROUNDS) throw new ConflictError(`case ${req.caseId} kept changing while a ${CHANNEL_WORD[channel]} was about to go out; nothing was sent and the step is retried`, 'stale_version');
    ctx = await loadCaseContext(req.caseId);
    guard = guardSend(ctx.c, { ...req, channel });
  }
  if (!guard.send) {
    const claimed = await communications.claim(req.caseId, { ...base, status: 'skipped', reason: guard.reason });
    if (!claimed) return duplicate(req.caseId, key, channel);
    await timeline.append(req.caseId, { type: 'message_skipped', message: `${CHANNEL_WORD[channel]} skipped: ${guard.reason}`, data: { key, channel, workflow: req.workflow, node: req.nodeIndex, reason: guard.reason } });
    countMessage(channel, 'skipped');
    await countSend(ctx.c.clientId, channel, guard.optedOut ? 'optedOut' : 'skipped');
    return { status: 'skipped', key, reason: guard.reason };
  }
  const recipient = guard.recipient;
  const claim: Communication = { ...base, ...(recipient ? { recipient } : {}) };
  if (!(await claimSend(req.caseId, claim, committed?.claimedBefore ?? false))) return duplicate(req.caseId, key, channel);

  let rendered: RenderedMessage;
  try {
    rendered = render(ctx, req);
  } catch (e) {
    // A template problem is permanent: retrying renders the same. Recorded so an operator fixes the template.
    return fail(req, claim, channel, `cannot render: ${(e as Error).message}`, ctx);
  }
  // What the debtor gets, recorded with every outcome from here on (a letter's PDF only once sent: before, it may not exist).
  const outgoing: Communication = { ...claim, ...communicationContent(channel, rendered) };

  let providerId: string;
  try {
    providerId = await send(ctx, req, key, recipient, rendered);
  } catch (e) {
    const pe = e instanceof ProviderError ? e : providerError(channel, e);
    if (pe.kind === 'permanent') return fail(req, outgoing, channel, pe.message, ctx);
    if (pe.kind === 'ambiguous') {
      await communications.settleWithEvent(req.caseId, outgoing, { status: 'unknown', reason: `${pe.message}; not retried, so the debtor never gets it twice` }, { type: 'message_unknown', message: `${CHANNEL_WORD[channel]} outcome unknown: ${pe.message}`, data: { key, channel } });
      countMessage(channel, 'failed');
      await countSend(ctx.c.clientId, channel, 'failed');
      return { status: 'failed', key, reason: pe.message };
    }
    // This try cannot know whether it was its step's last: the entry says what happens either way,
    // and a step whose retries are spent adds its own "given up" entry (recordStepFailure).
    await communications.settleWithEvent(req.caseId, outgoing, { status: 'failed', reason: `${pe.message} ${RETRY_NOTE}`, retryable: true }, { type: 'message_failed', message: `${CHANNEL_WORD[channel]} not sent: ${pe.message}; ${RETRY_WORDS}`, data: { key, channel, retry: true } });
    countMessage(channel, 'failed');
    throw pe.throttled ? new ProviderThrottledError(pe.message) : new ProviderUnavailableError(pe.message);
  }

  const what = req.node.template ? ` (${req.node.template})` : req.node.title ? `: ${req.node.title}` : '';
  await communications.settleWithEvent(req.caseId, { ...outgoing, ...(channel === 'letter' ? { pdfKey: letterKey(ctx.c.caseId, key) } : {}) }, { status: 'sent', providerId }, {
    type: channel === 'ticket' ? 'ticket_created' : 'message_sent',
    // A ticket's subject is its title when it has one: said once.
    message: channel === 'ticket' ? `ticket for an operator${req.node.template ? what : ''}: ${rendered.subject ?? rendered.text.slice(0, 200)}` : `${CHANNEL_WORD[channel]} sent${recipient ? ` to ${recipient}` : ''}${what}`,
    data: { key, channel, workflow: req.workflow, node: req.nodeIndex, attempt, providerId },
  });
  countMessage(channel, 'sent');
  await countSend(ctx.c.clientId, channel, 'sent');
  return { status: 'sent', key, providerId, ...(recipient ? { recipient } : {}) };
}

/**
 * The communication's claim on a send, written as `sending` before the provider is called,
 * even when the step's write of the case made the send this invocation's: the step's claim on
 * the case says a try began, only this record says whether it got as far as the provider. A
 * try killed between the two (a Lambda timeout, `npm start` killed mid-advance) left no
 * record, so the next try claims and sends; a send a try refused for now (`failed`) may be
 * taken again; one still `sending` when another try comes is recorded `unknown` (the first
 * try's own outcome still wins if it is alive and settles) and not made again, so the debtor
 * never gets it twice.
 */
async function claimSend(caseId: string, claim: Communication, claimedBefore: boolean): Promise<boolean> {
  // A retry usually finds its try's refusal: take that first, saving a request.
  if (claimedBefore && (await communications.reclaimFailed(caseId, claim))) return true;
  if (await communications.claim(caseId, claim)) return true;
  if (!claimedBefore && (await communications.reclaimFailed(caseId, claim))) return true;
  await communications.markUnknownWhileSending(caseId, { ...claim, status: 'unknown', reason: 'an earlier try of this step was sending it and recorded no outcome; not sent again, so the debtor never gets it twice' });
  return false;
}

async function duplicate(caseId: string, key: string, channel: NodeType): Promise<DeliveryOutcome> {
  const previous = await communications.get(caseId, key);
  countMessage(channel, 'duplicate');
  logger.info('send replayed; not sent again', { key, previous: previous?.status });
  return { status: 'duplicate', key, previous: previous?.status ?? 'unknown' };
}

async function fail(req: DeliveryRequest, claim: Communication, channel: NodeType, reason: string, ctx: CaseContext): Promise<DeliveryOutcome> {
  const key = claim.key;
  await communications.settleWithEvent(req.caseId, claim, { status: 'failed', reason }, { type: 'message_failed', message: `${CHANNEL_WORD[channel]} not sent: ${reason}`, data: { key, channel } });
  countMessage(channel, 'failed');
  await countSend(ctx.c.clientId, channel, 'failed');
  return { status: 'failed', key, reason };
}

function render(ctx: CaseContext, req: DeliveryRequest): RenderedMessage {
  const { node } = req;
  if (node.type === 'ticket' && !node.template) return { subject: node.title ?? 'follow up the case', text: node.title ?? 'follow up the case' };
  // A call-centre request needs no template: its agents speak for themselves; the request says who and what about.
  if (node.type === 'call' && !node.template) {
    const b = balanceAsOf(ctx.c.ledger, todayIso());
    return { text: `Call ${ctx.c.debtor.name} about reference ${ctx.c.clientCaseNumber || ctx.c.caseId}: ${formatMoney(b.outstandingMinor, b.currency)} outstanding` };
  }
  const name = node.template!;
  const { template } = findTemplate(name, { client: ctx.client, entity: ctx.entity });
  const view = buildMergeView({
    case: ctx.c,
    balance: balanceAsOf(ctx.c.ledger, todayIso()),
    client: ctx.client,
    entity: ctx.entity,
    plan: ctx.c.paymentPlan,
    installmentIndex: req.installmentIndex,
    today: todayIso(),
  });
  const out = renderMessage(template, node.type, view, name);
  if (node.type === 'ticket' && node.title) return { ...out, subject: node.title };
  // A letter always has a subject line: the case's reference when its template gives none.
  if (node.type === 'letter' && !out.subject) return { ...out, subject: `Reference ${ctx.c.clientCaseNumber ?? ctx.c.caseId}` };
  return out;
}

async function send(ctx: CaseContext, req: DeliveryRequest, key: string, recipient: string | undefined, m: RenderedMessage): Promise<string> {
  const { c, client, entity } = ctx;
  switch (req.node.type) {
    case 'email': {
      const from = entity?.senderEmail;
      if (!from) throw new ProviderError(`client ${client.clientId} has no business entity with a sender email; set settings.businessEntityId`, 'permanent', 'SES');
      return sendEmail({ from, replyTo: entity?.replyTo, to: recipient!, subject: m.subject ?? '', text: m.text, html: m.html, tags: { caseId: c.caseId, workflow: req.workflow } });
    }
    case 'sms':
      return sendSms(recipient!, m.text);
    case 'voice':
    case 'call':
      return startCall({ purpose: req.node.type, phone: recipient!, script: m.text, attributes: { caseId: c.caseId, workflow: req.workflow, node: String(req.nodeIndex) }, idempotencyKey: key });
    case 'letter': {
      const a = c.debtor.address;
      const pdf = await renderLetterPdf({
        sender: { name: entity?.name ?? client.companyInfo.name, address: addressLines(entity?.address) },
        recipient: { name: c.debtor.name, address: addressLines(a) },
        date: todayIso(),
        subject: m.subject ?? `Reference ${c.clientCaseNumber ?? c.caseId}`,
        body: m.text,
        footer: entity?.emailFooter,
      });
      const stored = await storeLetter(letterKey(c.caseId, key), pdf);
      return submitPrintJob({ pdfUrl: stored.url, pdfUrlExpiresAt: stored.expiresAt, recipient: { name: c.debtor.name, ...a }, idempotencyKey: key });
    }
    case 'ticket': {
      // The operator's queue: a ticket whose id is the send key's, so a retry of the step opens no second one.
      const ticketId = `ticket-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
      const at = nowIso();
      await tickets.open({ ticketId, clientId: c.clientId, caseId: c.caseId, debtorName: c.debtor.name, title: ticketTitle(m.subject ?? m.text), status: 'open', createdAt: at, updatedAt: at, version: 1 });
      return ticketId;
    }
  }
}
