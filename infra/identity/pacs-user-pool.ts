import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { UserPoolDefinition } from './user-pool-definitions';

export interface PacsUserPoolProps {
  definition: UserPoolDefinition;
  /** Globally unique hosted-UI prefix (Cognito domain names are shared across all AWS customers). */
  domainPrefix: string;
  callbackUrls: string[];
  logoutUrls: string[];
}

/**
 * A user pool built from its shared definition [PP-18]: MFA required (TOTP only, no SMS), the
 * definition's password policy and token lifetimes, revocable refresh tokens, no user-existence
 * leaks, Plus-tier threat protection enforced, and one group per role [PP-06].
 */
export class PacsUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /**
   * The hosted-UI domain's origin (what `domain.baseUrl()` resolves to), as a plain string rather than a
   * token: the console's config.json and CSP are validated at synth, which a token would defeat.
   */
  readonly hostedUiOrigin: string;
  readonly groups: Readonly<Record<string, cognito.UserPoolGroup>>;

  constructor(scope: Construct, id: string, props: PacsUserPoolProps) {
    super(scope, id);
    const { definition } = props;
    const password = definition.passwordPolicy;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Accounts are created by the sign-up route (AdminCreateUser) or by an organization administrator.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: password.minLength,
        requireLowercase: password.requireLowercase,
        requireUppercase: password.requireUppercase,
        requireDigits: password.requireDigits,
        requireSymbols: password.requireSymbols,
        tempPasswordValidity: Duration.days(password.tempPasswordValidityDays),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.client = this.userPool.addClient('Client', {
      userPoolClientName: definition.clientName,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      accessTokenValidity: Duration.minutes(definition.accessTokenMinutes),
      idTokenValidity: Duration.minutes(definition.idTokenMinutes),
      refreshTokenValidity: Duration.hours(definition.refreshTokenHours),
      authSessionValidity: Duration.minutes(3),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // COGNITO_ADMIN puts aws.cognito.signin.user.admin into hosted-UI access tokens; the API requires it.
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.COGNITO_ADMIN],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
    });

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    this.hostedUiOrigin = `https://${props.domainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`;
    if (Token.isUnresolved(this.hostedUiOrigin)) {
      throw new Error(
        'the hosted-UI origin needs a concrete account and region (an env-agnostic stack has neither)',
      );
    }

    this.groups = Object.fromEntries(
      definition.groups.map((groupName) => [
        groupName,
        this.userPool.addGroup(`Group-${groupName}`, { groupName, description: `PACScribe ${groupName}` }),
      ]),
    );
  }
}
