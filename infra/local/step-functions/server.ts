import { createServer, type Server } from 'node:http';
import { SfnApiError, type ExecutionRecord, type ExecutionStatus, type LocalStepFunctions } from './engine';

/** Timestamps travel as epoch seconds in the AWS JSON 1.0 protocol. */
const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

function executionJson(r: ExecutionRecord, full: boolean) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: epoch(r.startDate),
    stopDate: epoch(r.stopDate),
    ...(full ? { input: r.input, output: r.output, error: r.error, cause: r.cause } : {}),
  };
}

type Body = Record<string, unknown>;

/**
 * The Step Functions API over HTTP (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Op>`), so the
 * real `@aws-sdk/client-sfn` reaches the local engine through `AWS_ENDPOINT_URL_SFN` unchanged.
 */
export function createSfnServer(engine: LocalStepFunctions): Server {
  const ops: Record<string, (b: Body) => unknown> = {
    StartExecution: (b) => {
      const out = engine.startExecution({ stateMachineArn: str(b, 'stateMachineArn'), name: b.name as string | undefined, input: b.input as string | undefined });
      return { executionArn: out.executionArn, startDate: epoch(out.startDate) };
    },
    StopExecution: (b) => ({ stopDate: epoch(engine.stopExecution({ executionArn: str(b, 'executionArn'), error: b.error as string | undefined, cause: b.cause as string | undefined }).stopDate) }),
    DescribeExecution: (b) => executionJson(engine.describeExecution(str(b, 'executionArn')), true),
    ListExecutions: (b) => {
      const out = engine.listExecutions({
        stateMachineArn: str(b, 'stateMachineArn'),
        statusFilter: b.statusFilter as ExecutionStatus | undefined,
        maxResults: b.maxResults as number | undefined,
        nextToken: b.nextToken as string | undefined,
      });
      return { executions: out.executions.map((r) => executionJson(r, false)), nextToken: out.nextToken };
    },
    ListStateMachines: () => ({ stateMachines: engine.listStateMachines().map((m) => ({ ...m, creationDate: epoch(m.creationDate) })) }),
    DescribeStateMachine: (b) => {
      const m = engine.describeStateMachine(str(b, 'stateMachineArn'));
      return { ...m, creationDate: epoch(m.creationDate) };
    },
  };

  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = ops[target.replace(/^AWSStepFunctions\./, '')];
      if (!op) return reply(400, { __type: 'UnknownOperationException', message: `the local Step Functions endpoint does not support ${target || '(no X-Amz-Target)'}` });
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        reply(200, op(text ? (JSON.parse(text) as Body) : {}) ?? {});
      } catch (e) {
        if (e instanceof SfnApiError) return reply(e.status, { __type: e.type, message: e.message });
        reply(500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}

function str(b: Body, field: string): string {
  const v = b[field];
  if (typeof v !== 'string' || !v) throw new SfnApiError('ValidationException', `${field} is required`);
  return v;
}
