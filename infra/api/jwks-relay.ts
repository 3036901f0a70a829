import { Duration, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import { JWKS_RELAY_HANDLER, JwksRelayFunctionEnvSchema } from '#schemas/accounts/env';

/** Why the relay may run outside the VPC; its acknowledgement and the private-network test name it. */
export const JWKS_RELAY_OUTSIDE_VPC_REASON =
  "the JWKS relay fetches the two user pools' public signing keys (public documents) from Cognito, whose pools with a domain cannot be reached through the cognito-idp VPC endpoint; its role grants nothing but its own log group and traces, and it refuses every URL but those two.";

export interface JwksRelayProps {
  customerPool: cognito.IUserPool;
  supportPool: cognito.IUserPool;
  logEncryption: LogEncryption;
  reservedConcurrency: number;
}

/**
 * The JWKS relay [PP-18] (functions/shared/auth/jwks-relay.ts): API functions in the VPC invoke it for
 * their pools' keys, through the Lambda endpoint. Outside the VPC, with no binding: the pool ids it may
 * fetch for are its only configuration.
 */
export class JwksRelay extends Construct {
  readonly relay: PacsFunction;

  constructor(scope: Construct, id: string, props: JwksRelayProps) {
    super(scope, id);
    this.relay = new PacsFunction(this, 'Relay', {
      handler: JWKS_RELAY_HANDLER,
      description: "Relays the PACScribe user pools' JWKS to functions in the VPC (those two URLs only)",
      serviceName: 'pacscribe-accounts',
      logEncryption: props.logEncryption,
      network: { outsideVpc: JWKS_RELAY_OUTSIDE_VPC_REASON },
      // Called on cold starts and key-id misses only: a burst of new instances, each once.
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(10),
      memorySize: 256,
    });
    this.relay.setEnvironment('CUSTOMER_USER_POOL_ID', props.customerPool.userPoolId);
    this.relay.setEnvironment('SUPPORT_USER_POOL_ID', props.supportPool.userPoolId);
    this.relay.assertEnvironment(JwksRelayFunctionEnvSchema);
    Validations.of(this.relay).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked synchronously by the API functions, which receive the error and fail closed; there is no event a dead-letter queue could keep.',
    });
  }
}
