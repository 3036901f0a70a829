import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES, type Role } from '../../schemas/accounts/roles';
import { callApi, localConfig, postJson, sentMail, signIn } from './local-client';

export interface TestUser {
  email: string;
  password: string;
  userId: string;
  role: Role;
  accessToken: string;
}

export interface TestOrganization {
  orgId: string;
  name: string;
  users: Record<Role, TestUser>;
}

/** The temporary password from the invitation mail, as the invited person would read it. */
export async function invitationPassword(email: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const mails = (await sentMail()).filter((mail) => mail.destination.to.includes(email));
    // The newest invitation, whatever mail (a policy notice) came after it.
    const text = mails.findLast((mail) => /Temporary password: /.test(mail.body.text ?? ''))?.body.text ?? '';
    const match = /Temporary password: (\S+)/.exec(text);
    if (match?.[1]) return match[1];
    await sleep(100);
  }
  throw new Error(`no invitation mail reached ${email}`);
}

/** The latest sign-up code mailed to this address, as its owner would read it. */
export async function signupCode(email: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const mails = (await sentMail()).filter(
      (mail) => mail.destination.to.includes(email) && mail.subject === 'Your PACScribe verification code',
    );
    const match = /Verification code: (\d{8})/.exec(mails.at(-1)?.body.text ?? '');
    if (match?.[1]) return match[1];
    await sleep(100);
  }
  throw new Error(`no verification code reached ${email}`);
}

/**
 * Sign-up the real way: the details, then the mailed code with the password. Answers the verification
 * response (201 with orgId and userId).
 */
export async function signUpVerified(details: {
  name: string;
  organizationName: string;
  role: string;
  email: string;
  password: string;
}) {
  const { password, ...request } = details;
  const started = await postJson('/v1/signup', request);
  if (started.status !== 202) throw new Error(`sign-up failed: ${started.status} ${started.text}`);
  return postJson('/v1/signup/verify', {
    email: details.email,
    code: await signupCode(details.email),
    password,
  });
}

/** First sign-in of an invited user: the temporary password must be replaced. */
export async function acceptInvitation(email: string, temporaryPassword: string, newPassword: string) {
  const config = localConfig();
  const cognito = new CognitoIdentityProviderClient({
    endpoint: config.cognito.endpoint,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const first = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: config.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: temporaryPassword },
      }),
    );
    if (first.ChallengeName !== 'NEW_PASSWORD_REQUIRED') throw new Error(`expected a new-password challenge`);
    await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: config.cognito.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: first.Session,
        ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
      }),
    );
  } finally {
    cognito.destroy();
  }
  return signIn(email, newPassword);
}

/**
 * A new organization made through the public API: sign-up, then one invited user of every other role,
 * each of whom completes their first sign-in. Tests that change users get an organization of their own.
 */
export async function freshOrganization(label: string): Promise<TestOrganization> {
  const tag = randomUUID().slice(0, 8);
  const domain = `${label}-${tag}.example`;
  const adminPassword = `Admin-${tag}-Passw0rd!`;
  const name = `${label} ${tag}`;
  const signup = await signUpVerified({
    name: 'Org Founder',
    organizationName: name,
    role: 'radiologist',
    email: `administrator@${domain}`,
    password: adminPassword,
  });
  if (signup.status !== 201) throw new Error(`sign-up verification failed: ${signup.status} ${signup.text}`);
  const { orgId, userId } = signup.json();
  const admin = await signIn(`administrator@${domain}`, adminPassword);
  const users = {
    administrator: {
      email: `administrator@${domain}`,
      password: adminPassword,
      userId,
      role: 'administrator',
      accessToken: admin.accessToken,
    },
  } as Record<Role, TestUser>;
  for (const role of ROLES.filter((candidate) => candidate !== 'administrator')) {
    const email = `${role}@${domain}`;
    const created = await postJson('/v1/users', { email, name: `Test ${role}`, role }, admin.accessToken);
    if (created.status !== 201) throw new Error(`create ${role} failed: ${created.status} ${created.text}`);
    const password = `${role}-${tag}-Passw0rd!`;
    const tokens = await acceptInvitation(email, await invitationPassword(email), password);
    // A client's first call after sign-in, which also accepts the invitation.
    await callApi('GET', '/v1/me', { token: tokens.accessToken });
    users[role] = { email, password, userId: created.json().userId, role, accessToken: tokens.accessToken };
  }
  return { orgId, name, users };
}
