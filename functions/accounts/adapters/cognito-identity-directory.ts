import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InvalidPasswordException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import type { IdentityDirectory, InvitedIdentity, NewIdentity, WorkforceDirectory } from '../core/ports';

/** A one-time password that satisfies the pool policy: 24 random characters plus one of each class. */
function temporaryPassword(): string {
  const classes = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@^_'];
  const required = classes.map((chars) => chars[randomInt(chars.length)]);
  return `${randomBytes(18).toString('base64url')}${required.join('')}`;
}

/**
 * Identities in a Cognito user pool, which signs people in by email: the customer pool, and the workforce
 * pool where ops manage staff.
 */
export class CognitoIdentityDirectory implements IdentityDirectory, WorkforceDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async createUser(identity: NewIdentity): Promise<{ userId: string }> {
    const userId = await this.create(identity, null);
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

  async inviteUser(identity: InvitedIdentity): Promise<{ userId: string; temporaryPassword: string }> {
    const password = temporaryPassword();
    // PACScribe mails the invitation itself (transactional mail through SES), so Cognito's is suppressed.
    const userId = await this.create(identity, password);
    return { userId, temporaryPassword: password };
  }

  async renewInvitation(email: string): Promise<{ temporaryPassword: string }> {
    const password = temporaryPassword();
    await this.client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: this.userPoolId,
        Username: email,
        Password: password,
        Permanent: false,
      }),
    );
    return { temporaryPassword: password };
  }

  async moveToGroup(email: string, from: string, to: string): Promise<void> {
    await this.addToGroup(email, to);
    await this.client.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: from }),
    );
  }

  async subjectOf(email: string): Promise<string | null> {
    try {
      const user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }),
      );
      return user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? null;
    } catch (error) {
      if (error instanceof UserNotFoundException) return null;
      throw error;
    }
  }

  async disableUser(email: string): Promise<void> {
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: email }));
    await this.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: email }),
    );
  }

  async enableUser(email: string): Promise<void> {
    await this.client.send(new AdminEnableUserCommand({ UserPoolId: this.userPoolId, Username: email }));
  }

  async signOutEverywhere(accessToken: string): Promise<void> {
    await this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
  }

  private async create(identity: InvitedIdentity, temporary: string | null): Promise<string> {
    let userId: string | undefined;
    try {
      const created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: identity.email,
          MessageAction: 'SUPPRESS',
          ...(temporary ? { TemporaryPassword: temporary } : {}),
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
    return userId;
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
