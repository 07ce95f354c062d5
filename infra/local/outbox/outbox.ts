import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What a provider stand-in was asked to do. */
export interface OutboxRecord {
  id: string;
  service: 'sns' | 'connect' | 'print' | 'skip-trace';
  at: string;
  /** E.164 number, print recipient, or debtor name. */
  to?: string;
  body: Record<string, unknown>;
  /** Set for calls: how the local call ended. */
  outcome?: CallOutcome;
}

export type CallOutcome = 'answered' | 'unanswered' | 'failed';
export type OutboxService = OutboxRecord['service'];

/**
 * Local stand-ins for the providers without an emulator: SNS (Query protocol: Publish), Amazon
 * Connect (REST JSON: StartOutboundVoiceContact, DescribeContact), the print service and the
 * skip-trace provider (our own small JSON APIs). The channel functions reach them with the real
 * SDK clients (AWS_ENDPOINT_URL_SNS / _CONNECT) or the same HTTP adapters as on AWS.
 * Everything they receive is recorded; faults and call outcomes can be arranged for tests.
 */
export class LocalOutbox {
  readonly records: OutboxRecord[] = [];
  /** Arranged faults by service, or by service and recipient (`sns +44...`). */
  private readonly failNext = new Map<string, number>();
  private readonly callOutcomes = new Map<string, CallOutcome[]>();
  private readonly skipTrace = new Map<string, Record<string, unknown>>();
  private readonly contacts = new Map<string, OutboxRecord>();
  private readonly clientTokens = new Map<string, string>();

  /**
   * The SMS and call quotas (per second), refused as the services refuse them: SNS Publish
   * with `Throttled` (429), Connect's StartOutboundVoiceContact with TooManyRequestsException
   * (429); see shared/adapters/provider-quotas.ts. None: unlimited.
   */
  quotas: { sms?: { take(): boolean }; calls?: { take(): boolean } } = {};

  private readonly fd?: number;

  /**
   * The API keys the print service and the skip-trace provider expect (`Authorization: Bearer
   * <key>`), as the real providers do: a call without the right one is refused with 401 and
   * not recorded. Unset: any call is accepted.
   */
  apiKeys: { print?: string; skipTrace?: string } = {};

  /**
   * `persistPath`: a JSON-lines file the records are appended to as they are made (one write(2)
   * each, so a killed process keeps every answered request) and read back from on start, so
   * the outbox, and the calls Connect's DescribeContact and ClientToken know, survive a restart.
   * Arranged faults, call outcomes and skip-trace answers are test arrangements: not kept.
   */
  constructor(
    private readonly now: () => Date,
    persistPath?: string,
  ) {
    if (!persistPath) return;
    mkdirSync(dirname(persistPath), { recursive: true });
    if (existsSync(persistPath)) {
      for (const line of readFileSync(persistPath, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.remember(JSON.parse(line) as OutboxRecord);
        } catch {
          // a torn last line: the process died while writing it, before answering its request
        }
      }
    }
    this.fd = openSync(persistPath, 'a');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }

  private remember(r: OutboxRecord): void {
    this.records.push(r);
    if (r.service !== 'connect') return;
    this.contacts.set(r.id, r);
    const token = r.body.ClientToken;
    if (typeof token === 'string') this.clientTokens.set(token, r.id);
  }

  /** The next `count` requests to `service` (for recipient `to` only, when given) fail with a provider error (5xx). */
  failNextRequests(service: OutboxService, count: number, to?: string): void {
    this.failNext.set(to ? `${service} ${to}` : service, count);
  }

  /** Outcomes of the next calls to `phone`, in order; when used up, calls are answered. */
  arrangeCalls(phone: string, outcomes: CallOutcome[]): void {
    this.callOutcomes.set(phone, [...outcomes]);
  }

  /** What the skip-trace provider returns for a case (new phone, email or address). */
  arrangeSkipTrace(caseId: string, found: Record<string, unknown>): void {
    this.skipTrace.set(caseId, found);
  }

  list(filter: { service?: string; to?: string; caseId?: string } = {}): OutboxRecord[] {
    return this.records.filter(
      (r) => (!filter.service || r.service === filter.service) && (!filter.to || r.to === filter.to) && (!filter.caseId || JSON.stringify(r.body).includes(filter.caseId)),
    );
  }

  createServer(): Server {
    return createServer((req, res) => {
      void this.handle(req, res).catch((e: unknown) => json(res, 500, { message: String(e) }));
    });
  }

  private shouldFail(service: OutboxService, to?: string): boolean {
    for (const key of to ? [`${service} ${to}`, service] : [service]) {
      const left = this.failNext.get(key) ?? 0;
      if (left <= 0) continue;
      this.failNext.set(key, left - 1);
      return true;
    }
    return false;
  }

  private record(r: Omit<OutboxRecord, 'id' | 'at'>): OutboxRecord {
    const full = { id: randomUUID(), at: this.now().toISOString(), ...r };
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(full)}\n`);
    this.remember(full);
    return full;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');

    if (req.method === 'POST' && contentType.includes('x-www-form-urlencoded')) return this.sns(new URLSearchParams(raw), res);
    if (req.method === 'PUT' && url.pathname === '/contact/outbound-voice') return this.startCall(JSON.parse(raw || '{}') as Record<string, unknown>, res);
    const contact = /^\/contacts\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && contact) return this.describeContact(decodeURIComponent(contact[2]!), res);
    if (req.method === 'POST' && url.pathname === '/print/jobs') {
      if (!authorized(req, this.apiKeys.print)) return json(res, 401, { message: 'missing or wrong API key (send Authorization: Bearer <key>)' });
      if (this.shouldFail('print')) return json(res, 503, { message: 'print service unavailable (arranged fault)' });
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const r = this.record({ service: 'print', to: String((body.recipient as { name?: string } | undefined)?.name ?? ''), body });
      return json(res, 201, { jobId: r.id, status: 'queued' });
    }
    if (req.method === 'POST' && url.pathname === '/skip-trace/lookups') {
      if (!authorized(req, this.apiKeys.skipTrace)) return json(res, 401, { message: 'missing or wrong API key (send Authorization: Bearer <key>)' });
      if (this.shouldFail('skip-trace')) return json(res, 503, { message: 'skip-trace provider unavailable (arranged fault)' });
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const found = this.skipTrace.get(String(body.caseId)) ?? {};
      this.record({ service: 'skip-trace', to: String(body.caseId), body: { ...body, found } });
      return json(res, 200, { found });
    }
    json(res, 404, { message: `the local outbox has no ${req.method} ${url.pathname}` });
  }

  private sns(form: URLSearchParams, res: ServerResponse): void {
    const action = form.get('Action');
    if (action !== 'Publish') return xmlError(res, 400, 'InvalidAction', `the local SNS supports Publish only, not ${action}`);
    const phone = form.get('PhoneNumber');
    const message = form.get('Message');
    if (!phone || !message) return xmlError(res, 400, 'InvalidParameter', 'PhoneNumber and Message are required locally');
    if (this.quotas.sms && !this.quotas.sms.take()) return xmlError(res, 429, 'Throttled', 'Rate exceeded: the SMS messages per second quota of the account');
    if (this.shouldFail('sns', phone)) return xmlError(res, 500, 'InternalError', 'SNS is unavailable (arranged fault)');
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const r = this.record({ service: 'sns', to: phone, body: { message, attributes } });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${r.id}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  private startCall(body: Record<string, unknown>, res: ServerResponse): void {
    const phone = String(body.DestinationPhoneNumber ?? '');
    if (!phone || !body.InstanceId || !body.ContactFlowId) return json(res, 400, { Message: 'DestinationPhoneNumber, InstanceId and ContactFlowId are required' }, 'InvalidParameterException');
    if (this.quotas.calls && !this.quotas.calls.take()) return json(res, 429, { Message: 'Rate exceeded' }, 'TooManyRequestsException');
    // ClientToken makes the request idempotent as on Connect, and only as far: the same token
    // gets the same contact while that contact is still going; once it has disconnected, the
    // same token starts a new contact (the debtor is dialled again), so only our own claim can
    // keep a retried step from calling twice. https://docs.aws.amazon.com/connect/latest/APIReference/API_StartOutboundVoiceContact.html
    const token = typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
    const known = token ? this.clientTokens.get(token) : undefined;
    const knownContact = known ? this.contacts.get(known) : undefined;
    if (known && knownContact && this.now().getTime() < disconnectedAt(knownContact)) return json(res, 200, { ContactId: known });
    if (this.shouldFail('connect', phone)) return json(res, 500, { Message: 'Connect is unavailable (arranged fault)' }, 'InternalServiceException');
    const queued = this.callOutcomes.get(phone);
    const outcome = queued?.shift() ?? 'answered';
    const r = this.record({ service: 'connect', to: phone, body, outcome });
    json(res, 200, { ContactId: r.id, ContactArn: `arn:aws:connect:local:000000000000:instance/${String(body.InstanceId)}/contact/${r.id}` });
  }

  private describeContact(id: string, res: ServerResponse): void {
    const r = this.contacts.get(id);
    if (!r) return json(res, 404, { Message: `no contact ${id}` }, 'ResourceNotFoundException');
    // A local call ends the moment it starts; its outcome was arranged beforehand.
    const at = Date.parse(r.at) / 1000;
    json(res, 200, {
      Contact: {
        Id: r.id,
        Channel: 'VOICE',
        InitiationMethod: 'API',
        InitiationTimestamp: at,
        DisconnectTimestamp: disconnectedAt(r) / 1000,
        DisconnectReason: r.outcome === 'answered' ? 'CUSTOMER_DISCONNECT' : r.outcome === 'failed' ? 'OUTBOUND_DESTINATION_ENDPOINT_ERROR' : 'CUSTOMER_NEVER_ARRIVED',
        ...(r.outcome === 'answered' ? { ConnectedToSystemTimestamp: at + 5 } : {}),
      },
    });
  }
}

/** A local call lasts a minute of virtual time from when it was placed. */
const CALL_MS = 60_000;
const disconnectedAt = (r: OutboxRecord) => Date.parse(r.at) + CALL_MS;

function authorized(req: IncomingMessage, key: string | undefined): boolean {
  if (key === undefined) return true;
  const given = Buffer.from(String(req.headers.authorization ?? ''));
  const expected = Buffer.from(`Bearer ${key}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  res.end(JSON.stringify(body));
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
}
