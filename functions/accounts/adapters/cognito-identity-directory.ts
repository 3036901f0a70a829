import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  InvalidPasswordException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import type { IdentityDirectory, NewIdentity } from '../core/ports';

/** Customer identities in the Cognito user pool; the pool signs people in by email. */
export class CognitoIdentityDirectory implements IdentityDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async createUser(identity: NewIdentity): Promise<{ userId: string }> {
    let userId: string | undefined;
    try {
      const created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: identity.email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: identity.email },
            { Name: 'name', Value: identity.name },
          ],
        }),
      );
      userId = created.User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    } catch (error) {
      if (error instanceof UsernameExistsException) {
        throw new ConflictError('This email address cannot be used for a new account.');
      }
      throw error;
    }
    if (!userId) throw new Error('identity provider returned no subject');
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.userPoolId,
          Username: identity.email,
          Password: identity.password,
          Permanent: true,
        }),
      );
    } catch (error) {
      await this.deleteUser(identity.email);
      if (error instanceof InvalidPasswordException) {
        throw new InvalidInputError('The password does not meet the policy.', [
          { path: 'password', message: 'does not meet the password policy' },
        ]);
      }
      throw error;
    }
    return { userId };
  }

  async addToGroup(email: string, group: string): Promise<void> {
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }),
    );
  }

  async deleteUser(email: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
    } catch (error) {
      if (!(error instanceof UserNotFoundException)) throw error;
    }
  }
}
