import { SesMailer } from '../mail/adapters/ses-mailer';
import { MailedInvitations } from '../mail/core/invitation-mail';
import { cognitoClient, dynamoDocumentClient, sesClient, sfnClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { CognitoIdentityDirectory } from './adapters/cognito-identity-directory';
import { DynamoAccountsRepository } from './adapters/dynamo-accounts-repository';
import { SfnWelcomeWorkflow } from './adapters/sfn-welcome-workflow';
import type { SignupDeps } from './core/signup';
import type { UserManagementDeps } from './core/users';

/** Composition roots of the accounts context: env parsed once, adapters built on first use. */
export const accountsRepository = once(() => {
  const env = bindingEnv('accounts-table:read');
  return new DynamoAccountsRepository(dynamoDocumentClient(), env.ACCOUNTS_TABLE_NAME);
});

export const signupDeps = once((): SignupDeps => {
  const env = bindingEnv('welcome-workflow:start');
  return {
    accounts: accountsRepository(),
    identities: customerIdentities(),
    welcome: new SfnWelcomeWorkflow(sfnClient(), env.WELCOME_WORKFLOW_ARN),
    clock: systemClock,
    ids: uuidIds,
  };
});

export const customerIdentities = once(() => {
  const env = bindingEnv('customer-pool:admin');
  return new CognitoIdentityDirectory(cognitoClient(), env.CUSTOMER_USER_POOL_ID);
});

/** Profile and sign-out need the accounts table and Cognito's token API only, not mail. */
export const selfServiceDeps = once(() => ({
  accounts: accountsRepository(),
  identities: customerIdentities(),
  clock: systemClock,
}));

export const userManagementDeps = once((): UserManagementDeps => {
  const mail = bindingEnv('mail:send');
  return {
    ...selfServiceDeps(),
    invitations: new MailedInvitations(
      new SesMailer(sesClient(), mail.MAIL_FROM_ADDRESS, mail.MAIL_CONFIGURATION_SET_NAME),
      mail.APP_BASE_URL,
    ),
  };
});
