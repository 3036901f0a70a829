import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CognitoIdentityDirectory } from '../../../../functions/accounts/adapters/cognito-identity-directory';
import { ConflictError, InvalidInputError } from '../../../../functions/shared/errors';

const client = new CognitoIdentityProviderClient({ region: 'us-east-1' });
const cognito = mockClient(client);
afterEach(() => cognito.reset());
const directory = new CognitoIdentityDirectory(client, 'us-east-1_pool');
const identity = { email: 'a@a.example', name: 'A', password: 'Long-Enough-Pass-1' };

describe('CognitoIdentityDirectory', () => {
  it('creates the user without Cognito mail and sets the chosen password as permanent', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-1' }] } });
    cognito.on(AdminSetUserPasswordCommand).resolves({});

    await expect(directory.createUser(identity)).resolves.toEqual({ userId: 'sub-1' });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      MessageAction: 'SUPPRESS',
      Username: 'a@a.example',
    });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { Permanent: true });
  });

  it('maps an existing username to a conflict', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));

    await expect(directory.createUser(identity)).rejects.toBeInstanceOf(ConflictError);
  });

  it('removes the half-created user when the password is refused', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-1' }] } });
    cognito
      .on(AdminSetUserPasswordCommand)
      .rejects(new InvalidPasswordException({ message: 'weak', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});

    await expect(directory.createUser(identity)).rejects.toBeInstanceOf(InvalidInputError);
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, { Username: 'a@a.example' });
  });
});
