import { SesMailer } from '../mail/adapters/ses-mailer';
import { MailedInvitations } from '../mail/core/invitation-mail';
import { MailedSignupMessages } from '../mail/core/signup-mail';
import { cognitoClient, dynamoDocumentClient, sesClient, sfnClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { CognitoIdentityDirectory } from './adapters/cognito-identity-directory';
import { DynamoAccountsRepository } from './adapters/dynamo-accounts-repository';
import { DynamoPendingSignups } from './adapters/dynamo-pending-signups';
import { randomVerificationCodes } from './adapters/random-verification-codes';
import { SfnWelcomeWorkflow } from './adapters/sfn-welcome-workflow';
import type { AccountCreationDeps, SignupRequestDeps, SignupVerificationDeps } from './core/signup';
import type { UserManagementDeps } from './core/users';

/** Composition roots of the accounts context: env parsed once, adapters built on first use. */
export const accountsRepository = /* @__PURE__ */ once(() => {
  const env = bindingEnv('accounts-table:read');
  return new DynamoAccountsRepository(dynamoDocumentClient(), env.ACCOUNTS_TABLE_NAME);
});

const pendingSignups = /* @__PURE__ */ once(() => {
  const env = bindingEnv('accounts-table:write');
  return new DynamoPendingSignups(dynamoDocumentClient(), env.ACCOUNTS_TABLE_NAME);
});

/** Creating an account once its address is proven (and the local demo seed). */
export const accountCreationDeps = /* @__PURE__ */ once((): AccountCreationDeps => {
  const env = bindingEnv('welcome-workflow:start');
  return {
    accounts: accountsRepository(),
    identities: customerIdentities(),
    welcome: new SfnWelcomeWorkflow(sfnClient(), env.WELCOME_WORKFLOW_ARN),
    clock: systemClock,
    ids: uuidIds,
  };
});

/** Sign-up itself touches no identity: it stores the pending sign-up and mails. */
export const signupRequestDeps = /* @__PURE__ */ once((): SignupRequestDeps => {
  const mail = bindingEnv('mail:send');
  return {
    pending: pendingSignups(),
    mail: new MailedSignupMessages(
      new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
      mail.APP_BASE_URL,
    ),
    codes: randomVerificationCodes,
    clock: systemClock,
  };
});

export const signupVerificationDeps = /* @__PURE__ */ once(
  (): SignupVerificationDeps => ({ ...accountCreationDeps(), pending: pendingSignups() }),
);

export const customerIdentities = /* @__PURE__ */ once(() => {
  const env = bindingEnv('customer-pool:admin');
  return new CognitoIdentityDirectory(cognitoClient(), env.CUSTOMER_USER_POOL_ID);
});

/** Profile and sign-out need the accounts table and Cognito's token API only, not mail. */
export const selfServiceDeps = /* @__PURE__ */ once(() => ({
  accounts: accountsRepository(),
  identities: customerIdentities(),
  clock: systemClock,
}));

export const userManagementDeps = /* @__PURE__ */ once((): UserManagementDeps => {
  const mail = bindingEnv('mail:send');
  return {
    ...selfServiceDeps(),
    invitations: new MailedInvitations(
      new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
      mail.APP_BASE_URL,
    ),
  };
});
