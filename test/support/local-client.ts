import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalConfig } from '../../scripts/local/stack';

/** The running local stack, as described by the local.json that `npm start` wrote. */
export function localConfig(): LocalConfig {
  const file = process.env.PACSCRIBE_LOCAL_CONFIG;
  if (!file) throw new Error('PACSCRIBE_LOCAL_CONFIG is not set: run integration tests through jest');
  return JSON.parse(readFileSync(file, 'utf8')) as LocalConfig;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on response shapes with jest matchers.
  json: () => any;
}

/** An HTTPS call that trusts only the local stack's own certificate, as a careful client would. */
export function callApi(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    /** The client's own address; 127.0.0.1 (exempt from the sign-up rate limit) unless given. */
    localAddress?: string;
  } = {},
): Promise<ApiResponse> {
  const config = localConfig();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (
    options.body !== undefined &&
    !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
  ) {
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${config.apiUrl}${path}`,
      {
        method,
        headers,
        ca: readFileSync(config.caCertPath),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            bytes,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    outgoing.on('error', reject);
    if (options.body !== undefined) outgoing.write(options.body);
    outgoing.end();
  });
}

export const postJson = (path: string, body: unknown, token?: string) =>
  callApi('POST', path, { body: JSON.stringify(body), ...(token ? { token } : {}) });

/** Tokens the way real clients get them: Cognito InitiateAuth with USER_PASSWORD_AUTH. */
export async function signIn(email: string, password: string, pool: 'customer' | 'support' = 'customer') {
  const config = localConfig();
  const settings = pool === 'customer' ? config.cognito : config.supportCognito;
  const cognito = new CognitoIdentityProviderClient({
    endpoint: settings.endpoint,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: settings.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (!AuthenticationResult?.AccessToken || !AuthenticationResult.IdToken) throw new Error('no tokens');
    return { accessToken: AuthenticationResult.AccessToken, idToken: AuthenticationResult.IdToken };
  } finally {
    cognito.destroy();
  }
}

export function demoUser(role: string, domain = 'riverside.example') {
  const user = localConfig().users.find((candidate) => candidate.email === `${role}@${domain}`);
  if (!user) throw new Error(`no demo user ${role}@${domain}`);
  return user;
}

/** Mail the SES stand-in accepted, newest last. Retried once: a reused keep-alive socket may have closed. */
export async function sentMail(): Promise<
  { subject: string; destination: { to: string[] }; body: { text?: string } }[]
> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(localConfig().sesStoreUrl);
      return ((await response.json()) as { emails: [] }).emails;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
