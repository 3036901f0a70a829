import { IdSchema } from '#schemas/accounts/entities';
import { MeResponseSchema } from '#schemas/accounts/me';
import {
  SignupAcceptedResponseSchema,
  SignupBodySchema,
  SignupResponseSchema,
  VerifySignupBodySchema,
} from '#schemas/accounts/signup';
import {
  CreateUserBodySchema,
  UpdateProfileBodySchema,
  UpdateUserBodySchema,
  UserListSchema,
  UserViewSchema,
} from '#schemas/accounts/users';
import { defineRoute, type PathParameter } from '../shared/http/route';

const userIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'A user of your organization.',
};

/** Sign-up, the caller's own profile, and user management. */
export const accountsRoutes = {
  signup: defineRoute('accounts', 'signup', {
    method: 'POST',
    path: '/v1/signup',
    handler: 'accounts/handlers/signup',
    pathParameters: {},
    summary:
      'Start a sign-up [PP-01]: a one-time code is mailed to the address. The answer is the same whether or not the address has an account.',
    access: {
      kind: 'public',
      reason:
        'Sign-up happens before an identity exists; the body is strictly validated, the answer never says whether the address has an account, and the WAF rate-limits it per IP.',
    },
    audit: 'signup-requested',
    bindings: ['accounts-table:write', 'mail:send'],
    request: { body: SignupBodySchema, maxBodyBytes: 8 * 1024 },
    responses: {
      202: {
        description: 'Accepted: if the address can be used, a code is on its way.',
        schema: SignupAcceptedResponseSchema,
      },
      429: { description: 'Too many sign-up requests from this address (rate_limited).' },
    },
  }),
  verifySignup: defineRoute('accounts', 'verifySignup', {
    method: 'POST',
    path: '/v1/signup/verify',
    handler: 'accounts/handlers/verify-signup',
    pathParameters: {},
    summary:
      'Prove the address with the mailed code and choose a password: creates the organization and its first administrator [PP-01].',
    access: {
      kind: 'public',
      reason:
        'The mailed one-time code is the credential: wrong codes are counted and lock the sign-up, and the WAF rate-limits it per IP.',
    },
    audit: 'account-created',
    bindings: ['accounts-table:write', 'customer-pool:admin', 'welcome-workflow:start'],
    request: { body: VerifySignupBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      201: { description: 'Organization and administrator created.', schema: SignupResponseSchema },
      400: {
        description:
          'verification_failed: the code is wrong, expired or was never issued; verification_locked: too many wrong codes, sign up again.',
      },
      409: { description: 'The email address cannot be used for a new account.' },
      429: { description: 'Too many sign-up requests from this address (rate_limited).' },
    },
  }),
  getMe: defineRoute('accounts', 'getMe', {
    method: 'GET',
    path: '/v1/me',
    handler: 'accounts/handlers/get-me',
    pathParameters: {},
    summary: "The caller's profile, organization, role and effective permissions.",
    access: { kind: 'member' },
    audit: 'account-read',
    bindings: [],
    responses: { 200: { description: 'The caller.', schema: MeResponseSchema } },
  }),
  updateMe: defineRoute('accounts', 'updateMe', {
    method: 'PATCH',
    path: '/v1/me',
    handler: 'accounts/handlers/update-me',
    pathParameters: {},
    summary: 'Edit your own profile (name). Access fields are not part of a profile.',
    access: { kind: 'member' },
    audit: 'profile-updated',
    bindings: ['accounts-table:write'],
    request: { body: UpdateProfileBodySchema, maxBodyBytes: 4 * 1024 },
    responses: { 200: { description: 'The updated profile.', schema: UserViewSchema } },
  }),
  signOut: defineRoute('accounts', 'signOut', {
    method: 'POST',
    path: '/v1/me/sign-out',
    handler: 'accounts/handlers/sign-out',
    pathParameters: {},
    summary: 'Sign out everywhere: refresh tokens are revoked and earlier access tokens refused.',
    access: { kind: 'member' },
    audit: 'signed-out',
    bindings: ['accounts-table:write'],
    responses: { 204: { description: 'Every session has ended.' } },
  }),
  listUsers: defineRoute('accounts', 'listUsers', {
    method: 'GET',
    path: '/v1/users',
    handler: 'accounts/handlers/list-users',
    pathParameters: {},
    summary: "The organization's users with their roles, permissions and status.",
    access: { kind: 'action', action: 'manage-users', supportView: true },
    audit: 'users-listed',
    bindings: [],
    responses: { 200: { description: 'The users.', schema: UserListSchema } },
  }),
  createUser: defineRoute('accounts', 'createUser', {
    method: 'POST',
    path: '/v1/users',
    handler: 'accounts/handlers/create-user',
    pathParameters: {},
    summary: 'Create a separate login for one person; a temporary password is mailed and expires [PP-06].',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'user-created',
    bindings: ['accounts-table:write', 'customer-pool:admin', 'mail:send'],
    request: { body: CreateUserBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      201: { description: 'The user, invited.', schema: UserViewSchema },
      409: { description: 'The email address cannot be used for a new account.' },
    },
  }),
  getUser: defineRoute('accounts', 'getUser', {
    method: 'GET',
    path: '/v1/users/{userId}',
    handler: 'accounts/handlers/get-user',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: 'One user of the organization.',
    access: { kind: 'action', action: 'manage-users', supportView: true },
    audit: 'user-read',
    bindings: [],
    responses: {
      200: { description: 'The user.', schema: UserViewSchema },
      404: { description: 'No such user in your organization.' },
    },
  }),
  updateUser: defineRoute('accounts', 'updateUser', {
    method: 'PATCH',
    path: '/v1/users/{userId}',
    handler: 'accounts/handlers/update-user',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: "Change a user's role and/or individual permissions (never your own).",
    access: { kind: 'action', action: 'manage-users' },
    audit: 'user-access-changed',
    bindings: ['accounts-table:write', 'customer-pool:admin'],
    request: { body: UpdateUserBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      200: { description: 'The user after the change.', schema: UserViewSchema },
      404: { description: 'No such user in your organization.' },
      409: { description: 'The change would leave no active administrator, or the user changed meanwhile.' },
    },
  }),
  disableUser: defineRoute('accounts', 'disableUser', {
    method: 'POST',
    path: '/v1/users/{userId}/disable',
    handler: 'accounts/handlers/disable-user',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: 'Block a user at once: sign-in refused, existing tokens refused on the next request.',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'user-disabled',
    bindings: ['accounts-table:write', 'customer-pool:admin'],
    responses: {
      200: { description: 'The user, disabled.', schema: UserViewSchema },
      404: { description: 'No such user in your organization.' },
      409: { description: 'The organization must keep an active administrator.' },
    },
  }),
  enableUser: defineRoute('accounts', 'enableUser', {
    method: 'POST',
    path: '/v1/users/{userId}/enable',
    handler: 'accounts/handlers/enable-user',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: 'Let a disabled user sign in again.',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'user-enabled',
    bindings: ['accounts-table:write', 'customer-pool:admin'],
    responses: {
      200: { description: 'The user, enabled.', schema: UserViewSchema },
      404: { description: 'No such user in your organization.' },
    },
  }),
  resendInvitation: defineRoute('accounts', 'resendInvitation', {
    method: 'POST',
    path: '/v1/users/{userId}/invitation',
    handler: 'accounts/handlers/resend-invitation',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: 'Mail a fresh temporary password to a user who has not signed in yet.',
    access: { kind: 'action', action: 'manage-users' },
    audit: 'invitation-resent',
    bindings: ['accounts-table:write', 'customer-pool:admin', 'mail:send'],
    responses: {
      200: { description: 'The user, re-invited.', schema: UserViewSchema },
      404: { description: 'No such user in your organization.' },
      409: { description: 'The user has already signed in.' },
    },
  }),
  removeUser: defineRoute('accounts', 'removeUser', {
    method: 'DELETE',
    path: '/v1/users/{userId}',
    handler: 'accounts/handlers/remove-user',
    pathParameters: { userId: userIdParameter },
    auditedParameters: { userId: 'user' },
    summary: "Remove a user's login and membership; their audit history stays.",
    access: { kind: 'action', action: 'manage-users' },
    audit: 'user-removed',
    bindings: ['accounts-table:write', 'customer-pool:admin'],
    responses: {
      204: { description: 'Removed.' },
      404: { description: 'No such user in your organization.' },
      409: { description: 'The organization must keep an active administrator.' },
    },
  }),
};
