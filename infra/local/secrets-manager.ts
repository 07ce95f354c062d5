import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One secret of the local Secrets Manager. */
export interface LocalSecret {
  name: string;
  value: string;
}

/**
 * Secrets Manager's GetSecretValue, locally, so functions read their secrets with the real SDK
 * client exactly as on AWS (AWS_ENDPOINT_URL_SECRETS_MANAGER points here). The AWS JSON 1.1
 * protocol: `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue` and `{ "SecretId" }`
 * (the ARN or the name), answered `{ ARN, Name, SecretString, VersionId, VersionStages,
 * CreatedDate }`; an unknown secret is a 400 `ResourceNotFoundException`
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 * A request not signed with the local key pair is refused, as an unsigned one would be.
 */
export class LocalSecretsManager {
  private readonly byId = new Map<string, LocalSecret & { arn: string; versionId: string; createdAt: number }>();

  constructor(
    private readonly accessKeyId: string,
    private readonly region = 'eu-west-1',
  ) {}

  /** Adds a secret; returns its ARN (shaped like Secrets Manager's: name plus a random suffix). */
  put(secret: LocalSecret): string {
    const arn = `arn:aws:secretsmanager:${this.region}:000000000000:secret:${secret.name}-${randomUUID().slice(0, 6)}`;
    const entry = { ...secret, arn, versionId: randomUUID(), createdAt: Math.floor(Date.now() / 1000) };
    this.byId.set(arn, entry);
    this.byId.set(secret.name, entry);
    return arn;
  }

  createServer(): Server {
    return createServer((req, res) => {
      void this.handle(req, res).catch((e: unknown) => reply(res, 500, { __type: 'InternalServiceError', message: String(e) }));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('AWS4-HMAC-SHA256 ') || !auth.includes(`Credential=${this.accessKeyId}/`)) {
      return reply(res, 400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
      return reply(res, 400, { __type: 'UnknownOperationException', message: `the local Secrets Manager answers GetSecretValue only, not ${target || `${req.method} ${req.url}`}` });
    }
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse(body || '{}') as { SecretId?: unknown };
    } catch {
      return reply(res, 400, { __type: 'SerializationException', message: 'the body is not JSON' });
    }
    const secret = typeof input.SecretId === 'string' ? this.byId.get(input.SecretId) : undefined;
    if (!secret) return reply(res, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    reply(res, 200, { ARN: secret.arn, Name: secret.name, SecretString: secret.value, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'], CreatedDate: secret.createdAt });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
