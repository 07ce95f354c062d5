import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { resetConfig } from '../../../shared/adapters/config';
import { issuesToDetails } from '../../../shared/http/validate';
import type { LocalRoute } from '../api-server';
import type { LocalPlugin } from '../plugins';
import { AWS_DEFAULT_QUOTAS } from '../../../shared/adapters/provider-quotas';
import { localQuotaSettings, PerSecondQuota } from '../provider-quotas';
import { close, listen } from '../stand-ins';
import { LocalOutbox } from './outbox';

/** Fixed port for the local provider stand-ins; free port when unset. */
export const OUTBOX_PORT_ENV = 'RECOUP_OUTBOX_PORT';

let current: LocalOutbox | undefined;

/** The provider stand-ins of the running local stack (tests arrange faults through it or the routes). */
export function localOutbox(): LocalOutbox {
  if (!current) throw new Error('the local outbox is not running; start the local stack first');
  return current;
}

const services = z.enum(['sns', 'connect', 'print', 'skip-trace']);
const bodies = {
  faults: z.object({ service: services, count: z.number().int().min(0).max(100), to: z.string().min(3).optional() }).strict(),
  calls: z.object({ phone: z.string().min(3), outcomes: z.array(z.enum(['answered', 'unanswered', 'failed'])).max(20) }).strict(),
  skipTrace: z.object({ caseId: z.string().min(1), found: z.object({ email: z.string().optional(), phone: z.string().optional() }).passthrough() }).strict(),
};

function parse<T>(schema: z.ZodType<T>, body: unknown, hint: string): { ok: true; value: T } | { ok: false; error: { status: number; body: unknown } } {
  const p = schema.safeParse(body);
  return p.success ? { ok: true, value: p.data } : { ok: false, error: { status: 400, body: { error: { code: 'validation_failed', message: hint, details: issuesToDetails(p.error.issues) } } } };
}

/**
 * SNS, Amazon Connect, the print service and the skip-trace provider, recorded locally.
 * GET /local/outbox lists what they were asked to do; POST /local/outbox/faults,
 * /local/outbox/calls and /local/outbox/skip-trace arrange provider behaviour.
 */
export const outboxPlugin: LocalPlugin = {
  name: 'outbox',
  async start(ctx) {
    const outbox = new LocalOutbox(() => ctx.clock.now(), join(ctx.dataDir, 'outbox', 'records.jsonl'));
    const quotas = localQuotaSettings();
    outbox.quotas = { sms: new PerSecondQuota(quotas.SMS_MAX_SEND_RATE, ctx.clock), calls: new PerSecondQuota(quotas.CONNECT_MAX_CALL_RATE, ctx.clock, Math.max(AWS_DEFAULT_QUOTAS.connectCallBurst, Math.floor(quotas.CONNECT_MAX_CALL_RATE))) };
    // The providers' API keys, new at every start, live in the local Secrets Manager: the
    // functions read them from there with the real SDK, as on AWS, and the stand-ins refuse a
    // call without them.
    outbox.apiKeys = { print: randomBytes(24).toString('base64url'), skipTrace: randomBytes(24).toString('base64url') };
    const printSecretArn = ctx.secrets.put({ name: 'recoup-print-service-api-key', value: outbox.apiKeys.print! });
    const skipTraceSecretArn = ctx.secrets.put({ name: 'recoup-skip-trace-api-key', value: outbox.apiKeys.skipTrace! });
    current = outbox;
    const server = outbox.createServer();
    const url = `http://127.0.0.1:${await listen(server, Number(process.env[OUTBOX_PORT_ENV] || 0), 'SNS, Connect, print and skip-trace stand-ins')}`;
    const connect = {
      instanceId: process.env.CONNECT_INSTANCE_ID ?? 'local-instance',
      contactFlowId: process.env.CONNECT_CONTACT_FLOW_ID ?? 'local-text-to-speech-flow',
      callCentreFlowId: process.env.CONNECT_CALL_CENTRE_FLOW_ID ?? 'local-call-centre-flow',
      sourcePhone: process.env.CONNECT_SOURCE_PHONE ?? '+15550100000',
    };
    Object.assign(ctx.endpoints, { AWS_ENDPOINT_URL_SNS: url, AWS_ENDPOINT_URL_CONNECT: url });
    Object.assign(ctx.sources, { printServiceUrl: `${url}/print`, skipTraceUrl: `${url}/skip-trace`, printServiceSecretArn: printSecretArn, skipTraceSecretArn, connect });
    // For scripts and tests in this process that call a channel adapter themselves.
    Object.assign(process.env, {
      PRINT_SERVICE_SECRET_ARN: printSecretArn,
      SKIP_TRACE_SECRET_ARN: skipTraceSecretArn,
      AWS_ENDPOINT_URL_SNS: url,
      AWS_ENDPOINT_URL_CONNECT: url,
      PRINT_SERVICE_URL: `${url}/print`,
      SKIP_TRACE_URL: `${url}/skip-trace`,
      CONNECT_INSTANCE_ID: connect.instanceId,
      CONNECT_CONTACT_FLOW_ID: connect.contactFlowId,
      CONNECT_CALL_CENTRE_FLOW_ID: connect.callCentreFlowId,
      CONNECT_SOURCE_PHONE: connect.sourcePhone,
    });
    resetConfig();
    ctx.log(`SNS, Connect, print and skip-trace stand-ins on ${url} (GET /local/outbox)`);

    const routes: Record<string, LocalRoute> = {
      'GET /local/outbox': async (_b, u) => {
        const service = u.searchParams.get('service') ?? undefined;
        // A misspelt service would otherwise list nothing, and a test asserting "nothing sent" would pass.
        if (service !== undefined && !services.safeParse(service).success) {
          const known = services.options.join(', ');
          return { status: 400, body: { error: { code: 'validation_failed', message: `unknown service "${service}"; the outbox knows ${known}`, details: [{ field: 'service', message: `must be one of ${known}` }] } } };
        }
        return { status: 200, body: { items: outbox.list({ service, to: u.searchParams.get('to') ?? undefined, caseId: u.searchParams.get('caseId') ?? undefined }) } };
      },
      'POST /local/outbox/faults': async (body) => {
        const p = parse(bodies.faults, body, 'send { "service": "sns|connect|print|skip-trace", "count": n, "to"?: "+44..." }');
        if (!p.ok) return p.error;
        outbox.failNextRequests(p.value.service, p.value.count, p.value.to);
        return { status: 200, body: p.value };
      },
      'POST /local/outbox/calls': async (body) => {
        const p = parse(bodies.calls, body, 'send { "phone": "+44...", "outcomes": ["unanswered", "answered"] }');
        if (!p.ok) return p.error;
        outbox.arrangeCalls(p.value.phone, p.value.outcomes);
        return { status: 200, body: p.value };
      },
      'POST /local/outbox/skip-trace': async (body) => {
        const p = parse(bodies.skipTrace, body, 'send { "caseId": "...", "found": { "phone"?: "...", "email"?: "..." } }');
        if (!p.ok) return p.error;
        outbox.arrangeSkipTrace(p.value.caseId, p.value.found);
        return { status: 200, body: p.value };
      },
    };
    for (const [k, r] of Object.entries(routes)) ctx.addRoute(k, r);

    return {
      stop: async () => {
        if (current === outbox) current = undefined;
        await close(server);
        outbox.close();
      },
    };
  },
};
