import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The billing context's stateful piece beside its table: the Stripe secret, JSON
 * `{ "secretKey": "sk_…", "webhookSigningSecret": "whsec_…" }`, on its own customer-managed key. Ops put
 * the values from the Stripe dashboard after the first deploy; the functions read it once at cold start.
 */
export class BillingData extends Construct {
  readonly stripeSecret: secretsmanager.Secret;
  readonly stripeSecretKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.stripeSecretKey = new kms.Key(this, 'StripeSecretKey', {
      description: 'PACScribe Stripe API and webhook signing secrets',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stripeSecret = new secretsmanager.Secret(this, 'StripeSecret', {
      description: 'PACScribe Stripe secret key and webhook signing secret (set from the Stripe dashboard)',
      encryptionKey: this.stripeSecretKey,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ secretKey: 'sk_live_unset' }),
        generateStringKey: 'webhookSigningSecret',
        excludePunctuation: true,
      },
    });
    const rotation =
      'Stripe API keys and webhook signing secrets are rolled in the Stripe dashboard (which issues the new value), not by a Secrets Manager rotation Lambda; ops update the secret when they roll them.';
    Validations.of(this.stripeSecret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: rotation },
      { id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: rotation },
    );
  }
}
