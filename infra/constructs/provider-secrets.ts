import { CfnOutput } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface ProviderSecretsProps {
  /** Create the print service's secret (some function hands letters to it). */
  readonly printService: boolean;
  /** Create the skip-trace provider's secret (some function looks debtors up). */
  readonly skipTrace: boolean;
}

/**
 * The API keys the external providers issue us, one secret each. A function that calls a
 * provider is given that secret's ARN and may read that secret only (functions.ts bindNeeds);
 * it reads the key at its first call and keeps it a few minutes (shared/adapters/channels/
 * provider-credentials.ts), so a key put here reaches every function within that time.
 */
export class ProviderSecrets extends Construct {
  public readonly printService?: Secret;
  public readonly skipTrace?: Secret;

  constructor(scope: Construct, id: string, props: ProviderSecretsProps) {
    super(scope, id);
    if (props.printService) this.printService = this.providerSecret('PrintServiceApiKey', 'print service');
    if (props.skipTrace) this.skipTrace = this.providerSecret('SkipTraceApiKey', 'skip-trace provider');
  }

  private providerSecret(id: string, provider: string): Secret {
    const secret = new Secret(this, id, {
      description: `API key of the ${provider}, sent as Authorization: Bearer <key> on every call. Put the key the provider issued: aws secretsmanager put-secret-value --secret-id <arn> --secret-string <key>`,
      // A placeholder until the provider's key is put: calls are refused (401) by the provider, not sent without credentials.
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      `The ${provider} issues this key and rotates it on its side; Secrets Manager cannot rotate it for us. A new key is put by hand and reaches the functions within their five-minute cache.`,
    );
    new CfnOutput(this, `${id}SecretArn`, { value: secret.secretArn, description: `Secret holding the ${provider}'s API key` });
    return secret;
  }
}
