import { CfnOutput, Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { API_ROUTES } from '../api-routes';
import { isPublicRoute } from '../../shared/auth/route-access';
import type { Functions } from './functions';
import { pascalCase } from './names';
import { acknowledge } from './nag';

/** The function folder of the machines' Lambda authorizer. */
export const MACHINE_AUTHORIZER_FUNCTION = 'api-authorizer';

export interface ApiProps {
  readonly functions: Functions;
  /** The user pool's token issuer and the app client ids the people's API accepts (its JWT authorizer). */
  readonly jwt: { readonly issuer: string; readonly audience: readonly string[] };
  /** The console's origin, the only one CORS allows on the people's API. */
  readonly consoleOrigin: string;
  /** How long API Gateway reuses the machines' authorizer's answer for one Authorization header. @default one minute */
  readonly machineAuthorizerCache?: Duration;
  /** Steady-state requests per second, per API. @default 50 */
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
 * Two HTTP APIs over the same routes and functions (infra/api-routes.ts), because an HTTP API
 * route takes one authorizer:
 * - the people's API: the JWT authorizer of the user pool on every route but the public ones,
 *   CORS for the console's origin only;
 * - the machines' API (clients' systems with an API key, the admin token): a Lambda REQUEST
 *   authorizer whose answers API Gateway caches per Authorization header.
 * Either way a request without a valid credential is refused by API Gateway and never runs a
 * route function; the functions then read the caller's role and client (shared/http/authenticate.ts).
 */
export class Api extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  public readonly machineApi: HttpApi;
  public readonly machineStage: HttpStage;
  public readonly machineAccessLogs: LogGroup;
  public readonly adminToken: Secret;
  /** The key the list routes sign their pagination cursors with; only the functions that page (catalog `cursorSecret`) may read it. */
  public readonly cursorSecret: Secret;
  /** Route key -> function folder, as wired. */
  public readonly routes: ReadonlyMap<string, string>;
  /** Route key -> function folder, for routes left out because the folder does not exist yet. */
  public readonly pending = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.adminToken = new Secret(this, 'AdminToken', {
      description: 'Bearer token of the Recoup admin API user (send as Authorization: Bearer <token> to the machines API)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      this.adminToken,
      'AwsSolutions-SMG4',
      'A static break-glass token; rotating it means re-issuing it, so it is rotated by hand (put a new value; the authorizer re-reads it on cold start).',
    );

    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Key the Recoup API signs its pagination cursors with (HMAC-SHA256), so an edited cursor is refused',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      this.cursorSecret,
      'AwsSolutions-SMG4',
      'Rotating it only invalidates the cursors handed out before (a caller restarts its listing); rotated by hand by putting a new value, read again on cold start.',
    );

    const routes = props.routes ?? API_ROUTES;
    for (const { route, fn } of routes) if (!props.functions.get(fn)) this.pending.set(route, fn);
    if (this.pending.size && props.onMissingFunction !== 'skip') {
      const lines = [...this.pending].map(([route, fn]) => `  ${route} -> functions/${fn}`);
      throw new Error(`infra/api-routes.ts routes to functions that do not exist yet (no handler.ts):\n${lines.join('\n')}\nWrite those functions or remove the routes.`);
    }

    const people = this.buildApi('Http', 'AccessLogs', 'DefaultStage', 'Recoup API for people (Cognito tokens)', props, {
      corsPreflight: {
        allowOrigins: [props.consoleOrigin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PATCH, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'if-match'],
        maxAge: Duration.minutes(10),
      },
    });
    [this.httpApi, this.stage, this.accessLogs] = people;
    const machines = this.buildApi('MachineHttp', 'MachineAccessLogs', 'MachineStage', "Recoup API for clients' systems (API keys) and the admin token", props, {});
    [this.machineApi, this.machineStage, this.machineAccessLogs] = machines;

    const jwtAuthorizer = new HttpJwtAuthorizer('UserPoolAuthorizer', props.jwt.issuer, { jwtAudience: [...props.jwt.audience], identitySource: ['$request.header.Authorization'] });
    const authorizerFn = props.functions.require(MACHINE_AUTHORIZER_FUNCTION, 'the machines API authorizer');
    const machineAuthorizer = new HttpLambdaAuthorizer('MachineAuthorizer', authorizerFn.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // A revoked key stops working within this; a valid key costs one table read per this.
      resultsCacheTtl: props.machineAuthorizerCache ?? Duration.minutes(1),
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    const wired = new Map<string, string>();
    for (const { route, fn } of routes) {
      const [method, path] = route.split(' ') as [string, string];
      if (!(method in HttpMethod) || !path?.startsWith('/')) throw new Error(`infra/api-routes.ts: "${route}" is not "METHOD /path"`);
      if (wired.has(route)) throw new Error(`infra/api-routes.ts lists "${route}" twice`);
      if (this.pending.has(route)) continue;
      const target = props.functions.require(fn, `infra/api-routes.ts route "${route}"`);
      const open = isPublicRoute(route);
      for (const [api, authorizer, tag] of [
        [this.httpApi, jwtAuthorizer, ''],
        [this.machineApi, machineAuthorizer, 'Machine'],
      ] as [HttpApi, IHttpRouteAuthorizer, string][]) {
        // An integration belongs to one API: one per function per API.
        const key = `${tag}${fn}`;
        let integration = integrations.get(key);
        if (!integration) {
          integration = new HttpLambdaIntegration(`${tag}${pascalCase(fn)}Integration`, target.fn);
          integrations.set(key, integration);
        }
        api.addRoutes({ path, methods: [HttpMethod[method as keyof typeof HttpMethod]], integration, authorizer: open ? new HttpNoneAuthorizer() : authorizer });
      }
      wired.set(route, fn);
    }
    this.routes = wired;

    for (const api of [this.httpApi, this.machineApi]) {
      acknowledge(api, 'AwsSolutions-APIG4', 'Every route has an authorizer (JWT of the user pool, or the Lambda authorizer of machine credentials) except the public ones of shared/auth/route-access.ts (GET /health and the API description).');
    }

    new CfnOutput(this, 'Url', { value: this.stage.url, description: 'Base URL of the Recoup API for people (Authorization: Bearer <Cognito access token>)' });
    new CfnOutput(this, 'MachineUrl', { value: this.machineStage.url, description: "Base URL of the Recoup API for clients' systems and the admin token (Authorization: Bearer <API key or admin token>)" });
    new CfnOutput(this, 'AdminTokenSecretArn', { value: this.adminToken.secretArn, description: 'Secret holding the admin bearer token' });
  }

  private buildApi(id: string, logsId: string, stageId: string, description: string, props: ApiProps, extra: Partial<ConstructorParameters<typeof HttpApi>[2]>): [HttpApi, HttpStage, LogGroup] {
    const httpApi = new HttpApi(this, id, { description, createDefaultStage: false, ...extra });
    const logs = new LogGroup(this, logsId, { retention: RetentionDays.THREE_MONTHS });
    const stage = new HttpStage(this, stageId, {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(logs),
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
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    return [httpApi, stage, logs];
  }
}
