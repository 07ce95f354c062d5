import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, CfnOutput, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardAction, acknowledgeWildcardResource } from './nag';

/** Construct id of aws-cdk-lib's singleton BucketDeployment handler (the stack holds one). */
const BUCKET_DEPLOYMENT_HANDLER_PREFIX = 'Custom::CDKBucketDeployment';

export interface ConsoleHostingProps {
  /** Where the buckets' S3 server access logs go. */
  readonly accessLogsBucket: IBucket;
  /** The console's folder (its Vite project). */
  readonly consoleFolder: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** What the console reads from /config.json at start. */
export interface ConsoleConfig {
  readonly apiUrl: string;
  readonly auth: { readonly domain: string; readonly clientId: string };
  readonly dashboardUrl?: string;
}

/**
 * The console on AWS: a private bucket read only by one CloudFront distribution through origin
 * access control, HTTPS only, with security headers, and every path the bucket does not hold
 * answered by index.html (the console routes in the browser). `publish()` uploads the built
 * console and its config.json once the API and the sign-in exist; the distribution itself comes
 * first because its address is the origin the sign-in and the API must name.
 */
export class ConsoleHosting extends Construct {
  public readonly bucket: Bucket;
  public readonly logsBucket: Bucket;
  public readonly distribution: Distribution;
  /** `https://<distribution domain>`: the console's origin. */
  public readonly origin: string;
  private readonly consoleFolder: string;
  private deployment?: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    this.consoleFolder = props.consoleFolder;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      removalPolicy,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console/',
      lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
    });

    // CloudFront standard logs are written with an ACL grant, so this bucket keeps ACLs on
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html).
    this.logsBucket = new Bucket(this, 'CdnLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console-cdn-logs/',
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: Duration.days(400) }],
    });

    const region = Stack.of(this).region;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Recoup console: HSTS, no framing, no sniffing, strict referrer, a content security policy',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        // The console calls the API (execute-api) and the managed login (amazoncognito.com), and
        // uploads CSVs and opens letters through presigned S3 URLs. Mantine injects style tags.
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://*.amazoncognito.com https://cognito-idp.${region}.amazonaws.com https://*.s3.${region}.amazonaws.com https://*.s3.amazonaws.com`,
            "img-src 'self' data: blob:",
            "style-src 'self' 'unsafe-inline'",
            "script-src 'self'",
            `frame-src 'self' blob: https://*.s3.${region}.amazonaws.com https://*.s3.amazonaws.com`,
            "object-src 'self' blob:",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self' https://*.amazoncognito.com",
          ].join('; '),
          override: true,
        },
      },
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Recoup console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // A path the bucket lacks is a console route: S3 answers 403 through OAC (no ListBucket), 404 with it.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'console/',
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'The console is for the agency and its clients wherever they work; sign-in guards it, not geography.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2', 'Static files only: every request that reads or changes data goes to the API, which authorises each call and is throttled.');
    acknowledge(this.distribution, 'AwsSolutions-CFR4', "The distribution's default *.cloudfront.net certificate, whose security policy CloudFront fixes; a custom domain with its own certificate would take TLSv1.2_2021.");

    this.origin = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'Url', { value: `${this.origin}/`, description: "The console's address" });
  }

  /** Uploads the built console and its config.json (the API, the sign-in and the dashboard of this stack). */
  publish(config: ConsoleConfig): BucketDeployment {
    if (this.deployment) throw new Error('ConsoleHosting.publish() runs once');
    const folder = this.consoleFolder;
    this.deployment = new BucketDeployment(this, 'Publish', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(folder, {
          // Hash of what is built, so a change to the shared code the console imports redeploys it.
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            // Never used: the local build below always answers (no Docker at synth).
            image: DockerImage.fromRegistry('scratch'),
            local: { tryBundle: (outputDir) => buildConsole(folder, outputDir) },
          },
        }),
        Source.jsonData('config.json', config),
      ],
      // index.html and config.json must be fresh on every load; the hashed assets revalidate cheaply.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith(BUCKET_DEPLOYMENT_HANDLER_PREFIX));
    for (const scope of handler ? [handler] : []) {
      const reason = "aws-cdk-lib's BucketDeployment handler, a CDK-owned singleton";
      acknowledge(scope, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', `${reason}: it logs with the AWSLambdaBasicExecutionRole managed policy.`);
      for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
        acknowledgeWildcardAction(scope, action, `${reason}: CDK grants it read of the asset bucket and read-write of the console bucket with these action groups.`);
      }
      const stack = Stack.of(this);
      acknowledgeWildcardResource(scope, `arn:${stack.partition}:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`, `${reason}: it reads the uploaded console build from the bootstrap asset bucket.`);
      acknowledgeWildcardResource(scope, `${this.bucket.bucketArn}/*`, `${reason}: it writes and prunes every key of the console bucket.`);
      acknowledge(scope, 'AwsSolutions-L1', `${reason}: its Lambda runtime is chosen by aws-cdk-lib, not by this project.`);
      acknowledgeWildcardResource(scope, '*', `${reason}: cloudfront:CreateInvalidation and GetInvalidation take no resource narrower than *.`);
    }
    return this.deployment;
  }
}

/**
 * Builds the console with the project's own Vite into outputDir, offline. Runs only when the
 * stack is bundled (`npm run synth`); the infra tests skip bundling and never get here.
 */
function buildConsole(folder: string, outputDir: string): boolean {
  const vite = join(folder, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error(`The console's build needs Vite (${vite} is missing): run npm ci first`);
  const out = mkdtempSync(join(tmpdir(), 'recoup-console-'));
  try {
    execFileSync(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: folder, stdio: ['ignore', 'inherit', 'inherit'] });
    cpSync(out, outputDir, { recursive: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return true;
}
