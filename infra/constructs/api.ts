import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { API_ROUTES } from '../api-routes';
import type { Functions } from './functions';
import { pascalCase } from './names';
import { acknowledge } from './nag';

export interface ApiProps {
  readonly functions: Functions;
  /** Steady-state requests per second for the whole API. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  /** Routes to serve. @default API_ROUTES from infra/api-routes.ts */
  readonly routes?: readonly { route: string; fn: string }[];
  /**
   * A route whose function folder does not exist yet: 'error' (the app) or 'skip' (tests while
   * the function is being written; listed in `pending`). @default 'error'
   */
  readonly onMissingFunction?: 'error' | 'skip';
}

/**
 * The HTTP API: every route of infra/api-routes.ts, each to the Lambda of its folder (one
 * integration per function), on a `$default` stage with access logs and throttling.
 * Bearer-token auth happens in the handlers (shared/http/api-handler.ts) against the admin
 * token secret created here.
 */
export class Api extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  public readonly adminToken: Secret;
  /** Route key -> function folder, as wired. */
  public readonly routes: ReadonlyMap<string, string>;
  /** Route key -> function folder, for routes left out because the folder does not exist yet. */
  public readonly pending = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.adminToken = new Secret(this, 'AdminToken', {
      description: 'Bearer token of the Recoup admin API user (send as Authorization: Bearer <token>)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      this.adminToken,
      'AwsSolutions-SMG4',
      'A static API token handed to operators; rotating it means re-issuing it to them, so it is rotated by hand (put a new value; functions re-read it on cold start).',
    );

    this.httpApi = new HttpApi(this, 'Http', {
      description: 'Recoup API',
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const routes = props.routes ?? API_ROUTES;
    for (const { route, fn } of routes) if (!props.functions.get(fn)) this.pending.set(route, fn);
    if (this.pending.size && props.onMissingFunction !== 'skip') {
      const lines = [...this.pending].map(([route, fn]) => `  ${route} -> functions/${fn}`);
      throw new Error(`infra/api-routes.ts routes to functions that do not exist yet (no handler.ts):\n${lines.join('\n')}\nWrite those functions or remove the routes.`);
    }

    const integrations = new Map<string, HttpLambdaIntegration>();
    const wired = new Map<string, string>();
    for (const { route, fn } of routes) {
      const [method, path] = route.split(' ') as [string, string];
      if (!(method in HttpMethod) || !path?.startsWith('/')) throw new Error(`infra/api-routes.ts: "${route}" is not "METHOD /path"`);
      if (wired.has(route)) throw new Error(`infra/api-routes.ts lists "${route}" twice`);
      if (this.pending.has(route)) continue;
      const target = props.functions.require(fn, `infra/api-routes.ts route "${route}"`);
      let integration = integrations.get(fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascalCase(fn)}Integration`, target.fn);
        integrations.set(fn, integration);
      }
      this.httpApi.addRoutes({ path, methods: [HttpMethod[method as keyof typeof HttpMethod]], integration });
      wired.set(route, fn);
    }
    this.routes = wired;

    // Routes carry no API Gateway authorizer: the handlers check the bearer token (so the
    // local API server and AWS behave the same), and GET /health is public by contract.
    acknowledge(this.httpApi, 'AwsSolutions-APIG4', 'Authorization is done in the handlers (bearer token against the admin token secret), identically locally and on AWS; GET /health is public by contract.');

    new CfnOutput(this, 'Url', { value: this.stage.url, description: 'Base URL of the Recoup API' });
    new CfnOutput(this, 'AdminTokenSecretArn', { value: this.adminToken.secretArn, description: 'Secret holding the admin bearer token' });
  }
}
