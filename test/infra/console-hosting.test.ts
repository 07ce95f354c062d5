import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStack, logicalId } from './synth-support';

// Bundling is skipped (aws:cdk:bundling-stacks []), so no console build runs here.
const { stack, template } = buildStack({ onMissingFunction: 'skip' });
const distributionId = logicalId(stack.console.distribution, stack);
const siteBucketId = logicalId(stack.console.bucket, stack);
const consoleOrigin = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };

describe('console hosting', () => {
  it('keeps the site bucket private: public access blocked, TLS only, retained, access-logged', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console/' }),
      }),
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: siteBucketId }));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Condition?: unknown; Action: unknown }[]);
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    // The only reader allowed in is CloudFront, for this distribution.
    const allows = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('s3:GetObject'));
    expect(allows.map((s) => s.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    expect(JSON.stringify(allows[0]!.Condition)).toContain(distributionId);
  });

  it('reads the bucket through an origin access control signing every request', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    const distribution = template.findResources('AWS::CloudFront::Distribution')[distributionId]!;
    const [origin] = distribution.Properties.DistributionConfig.Origins as { OriginAccessControlId: unknown; S3OriginConfig: { OriginAccessIdentity: string } }[];
    const oacId = Object.keys(template.findResources('AWS::CloudFront::OriginAccessControl'))[0];
    expect(origin!.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin!.S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('serves index.html at the root and for every console route (SPA fallback), over HTTPS only, with security headers and logs', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  it('sends a content security policy that forbids framing and foreign scripts', () => {
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = JSON.stringify(policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self';");
  });

  it("names the distribution's URL as the sign-in callback and sign-out URL, exactly <origin>/", () => {
    const callback = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] };
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: [callback], LogoutURLs: [callback] });
    expect(template.findParameters('ConsoleOrigin')).toEqual({});
  });

  it("allows the console's origin alone: on the people's API and for the presigned PUT into the drop bucket", () => {
    const people = template.findResources('AWS::ApiGatewayV2::Api')[logicalId(stack.api.httpApi, stack)]!;
    expect(people.Properties.CorsConfiguration.AllowOrigins).toEqual([consoleOrigin]);
    const drop = template.findResources('AWS::S3::Bucket')[logicalId(stack.storage.dropBucket, stack)]!;
    expect(drop.Properties.CorsConfiguration.CorsRules).toMatchObject([{ AllowedOrigins: [consoleOrigin], AllowedMethods: ['PUT'] }]);
  });

  it('publishes the build and a config.json naming the API, the sign-in and the dashboard, then invalidates the cache', () => {
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployment).toBeDefined();
    const props = deployment!.Properties;
    expect(props.DestinationBucketName).toEqual({ Ref: siteBucketId });
    expect(props.DistributionId).toEqual({ Ref: distributionId });
    expect(props.DistributionPaths).toEqual(['/*']);
    expect(props.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(props.SourceMarkers);
    expect(markers).toContain(logicalId(stack.auth.consoleClient, stack));
    expect(markers).toContain(logicalId(stack.observability.dashboard, stack));
    expect(markers).toContain(logicalId(stack.api.httpApi, stack));
  });
});
