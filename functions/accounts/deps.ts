import { BaseEnvSchema, WelcomeWorkflowEnvSchema } from '#schemas/shared/env';
import { cognitoClient, dynamoDocumentClient, sfnClient } from '../shared/aws/clients';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { CognitoIdentityDirectory } from './adapters/cognito-identity-directory';
import { DynamoAccountsRepository } from './adapters/dynamo-accounts-repository';
import { SfnWelcomeWorkflow } from './adapters/sfn-welcome-workflow';
import type { SignupDeps } from './core/signup';

/** Composition roots of the accounts context: env parsed once, adapters built on first use. */
export const accountsRepository = once(() => {
  const env = BaseEnvSchema.pick({ ACCOUNTS_TABLE_NAME: true }).parse(process.env);
  return new DynamoAccountsRepository(dynamoDocumentClient(), env.ACCOUNTS_TABLE_NAME);
});

export const signupDeps = once((): SignupDeps => {
  const env = BaseEnvSchema.pick({ CUSTOMER_USER_POOL_ID: true })
    .extend(WelcomeWorkflowEnvSchema.shape)
    .parse(process.env);
  return {
    accounts: accountsRepository(),
    identities: new CognitoIdentityDirectory(cognitoClient(), env.CUSTOMER_USER_POOL_ID),
    welcome: new SfnWelcomeWorkflow(sfnClient(), env.WELCOME_WORKFLOW_ARN),
    clock: systemClock,
    ids: uuidIds,
  };
});
