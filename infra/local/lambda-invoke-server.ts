import { createServer, type Server } from 'node:http';

/** Runs one asynchronous invocation of a local function (the runtime queues and retries it as Lambda would). */
export type AsyncInvoker = (payload: unknown) => void;

/** The functions the local Lambda endpoint can invoke, by function name (`recoup-<folder>`). */
export class LocalFunctionRegistry {
  private readonly fns = new Map<string, AsyncInvoker>();

  register(functionName: string, invoke: AsyncInvoker): () => void {
    this.fns.set(functionName, invoke);
    return () => void (this.fns.get(functionName) === invoke && this.fns.delete(functionName));
  }

  /** A name, a full ARN or a partial ARN (`<account>:function:<name>`), with or without a qualifier. */
  find(ref: string): AsyncInvoker | undefined {
    const name = ref.includes(':function:') ? ref.split(':function:')[1]!.split(':')[0]! : ref.split(':')[0]!;
    return this.fns.get(name);
  }
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * Lambda's Invoke API for asynchronous invocations (`InvocationType: Event`: answered 202 at
 * once, the function runs later), so `@aws-sdk/client-lambda` reaches local functions through
 * AWS_ENDPOINT_URL_LAMBDA unchanged:
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 * Synchronous invocations are not used by the product and are refused.
 */
export function createLambdaInvokeServer(registry: LocalFunctionRegistry): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (status: number, type: string, message: string) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
        res.end(JSON.stringify({ Type: 'User', message }));
      };
      const m = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (req.method !== 'POST' || !m) return fail(404, 'UnknownOperationException', `the local Lambda endpoint serves POST /2015-03-31/functions/{name}/invocations only, not ${req.method} ${req.url}`);
      const name = decodeURIComponent(m[1]!);
      const fn = registry.find(name);
      if (!fn) return fail(404, 'ResourceNotFoundException', `Function not found: ${name}`);
      const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      if (type !== 'Event') return fail(400, 'InvalidParameterValueException', `the local Lambda endpoint runs asynchronous invocations (InvocationType Event) only, not ${type}`);
      let payload: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        payload = text ? JSON.parse(text) : {};
      } catch {
        return fail(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end();
      fn(payload);
    });
  });
}
