import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClient,
  UserPoolDomain,
  UserPoolEmail,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PASSWORD_POLICY } from '../../shared/auth/password-policy';
import { ROLES } from '../../shared/auth/roles';
import { acknowledge } from './nag';

export interface AuthProps {
  /** The console's origin (`https://<CloudFront domain>`): its `/` is the only callback and sign-out URL. */
  readonly consoleOrigin: string;
  /** Prefix of the managed-login domain `<prefix>.auth.<region>.amazoncognito.com`; unique per region. */
  readonly domainPrefix: string;
  /** @default RemovalPolicy.RETAIN: the users outlive a deleted stack */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * People's sign-in: a Cognito user pool (email as the sign-in name, no self sign-up: an agency
 * admin invites, Cognito mails the temporary password; optional TOTP MFA; the shared password
 * policy), one group per role, the console's public app client (authorization code with PKCE,
 * no secret, 1 h tokens, rotated refresh tokens) and the managed-login domain.
 * Groups mirror the role for people reading the pool; the API reads the role from its own table.
 */
export class Auth extends Construct {
  public readonly userPool: UserPool;
  public readonly consoleClient: UserPoolClient;
  public readonly domain: UserPoolDomain;
  public readonly groups: ReadonlyMap<string, UserPoolGroup>;
  /** The `iss` of the pool's tokens, which the API's JWT authorizer checks. */
  public readonly issuer: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Users', {
      featurePlan: FeaturePlan.ESSENTIALS,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      userInvitation: {
        emailSubject: 'Your temporary password for Recoup',
        emailBody: `Hello,<br><br>You have been invited to Recoup. Your username is {username} and temporary password is {####}<br><br>Sign in at ${props.consoleOrigin}/ within ${PASSWORD_POLICY.temporaryPasswordValidityDays} days; the first sign-in asks you to choose your own password.`,
      },
      email: UserPoolEmail.withCognito(),
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: PASSWORD_POLICY.minLength,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(PASSWORD_POLICY.temporaryPasswordValidityDays),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(this.userPool, 'AwsSolutions-COG1', `Length over composition (NIST SP 800-63B 3.1.1.2): at least ${PASSWORD_POLICY.minLength} characters, no character-class rules; Cognito locks an account out after repeated failures.`);
    acknowledge(this.userPool, 'AwsSolutions-COG2', 'MFA is optional by the product decision (issue: optional TOTP MFA); each user may turn TOTP on.');
    acknowledge(this.userPool, 'AwsSolutions-COG8', 'Essentials plan: managed login and refresh-token rotation; the Plus plan (threat protection) is a paid choice per deployment.');
    acknowledge(this.userPool, 'AwsSolutions-COG3', 'Threat protection (Plus plan) is a paid add-on the operator can enable per deployment; the pool is invitation-only with lockout and optional MFA.');

    this.groups = new Map(
      ROLES.map((role) => [role, new UserPoolGroup(this, `Group${role.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase())}`, { userPool: this.userPool, groupName: role, description: `Recoup role ${role}` })]),
    );

    const callback = `${props.consoleOrigin}/`;
    this.consoleClient = this.userPool.addClient('Console', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [callback],
        logoutUrls: [callback],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Each refresh answers a new refresh token; the old one stops working (after 10 s, for a retried request).
      refreshTokenRotationGracePeriod: Duration.seconds(10),
      enableTokenRevocation: true,
    });

    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login pages need a branding for the client; Cognito's own look is enough.
    new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool of the people who sign in' });
    new CfnOutput(this, 'ConsoleClientId', { value: this.consoleClient.userPoolClientId, description: "The console's app client (authorization code with PKCE)" });
    new CfnOutput(this, 'Issuer', { value: this.issuer, description: 'OpenID Connect issuer (discovery at <issuer>/.well-known/openid-configuration)' });
    new CfnOutput(this, 'LoginDomain', { value: this.domain.baseUrl(), description: 'Managed login (authorize, token, logout endpoints)' });
  }
}
