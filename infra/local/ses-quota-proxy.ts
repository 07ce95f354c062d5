import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PerSecondQuota } from './provider-quotas';

/**
 * SES's maximum sending rate in front of aws-ses-v2-local (which has none): the public SES
 * port is this proxy; it forwards every request to the stand-in's own port and refuses a send
 * over the quota as SES does, with a ThrottlingException "Maximum sending rate exceeded."
 * (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html; HTTP 400 as in
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html), and the v1 Query
 * API's `Throttling` error with the same message
 * (https://aws.amazon.com/blogs/ses/how-to-handle-a-throttling-maximum-sending-rate-exceeded-error).
 * The mail viewer and `GET /store` pass through untouched.
 */
export function createSesQuotaProxy(targetPort: number, quota: PerSecondQuota): Server {
  const agent = new Agent({ keepAlive: true });
  return createServer((req, res) => {
    void readBody(req)
      .then((body) => {
        if (isSend(req, body) && !quota.take()) return throttled(req, res);
        const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', (e) => {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`SES local is unreachable: ${e.message}`);
        });
        upstream.end(body);
      })
      .catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
}

/** SES v2 SendEmail (REST), or a v1 Query send action. */
function isSend(req: IncomingMessage, body: Buffer): boolean {
  if (req.method !== 'POST') return false;
  const path = (req.url ?? '').split('?')[0];
  if (path === '/v2/email/outbound-emails' || path === '/v2/email/outbound-bulk-emails') return true;
  if (!String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return false;
  return /^Send/.test(new URLSearchParams(body.toString('utf8')).get('Action') ?? '');
}

function throttled(req: IncomingMessage, res: ServerResponse): void {
  const message = 'Maximum sending rate exceeded.';
  if ((req.url ?? '').startsWith('/v2/')) {
    res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ message }));
    return;
  }
  res.writeHead(400, { 'content-type': 'text/xml' });
  res.end(`<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
