import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import * as AWS from 'aws-sdk';
import { createServer } from 'cognito-local';
import { CognitoError, NotAuthorizedError, UserNotFoundError } from 'cognito-local/lib/errors';
import cognitoLocalPublicKey from 'cognito-local/lib/keys/cognitoLocal.public.json';
import { loadConfig } from 'cognito-local/lib/server/config';
import { Router } from 'cognito-local/lib/server/Router';
import { DateClock, LambdaService, MessagesService, TriggersService } from 'cognito-local/lib/services';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import { CryptoService } from 'cognito-local/lib/services/crypto';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import { ConsoleMessageSender } from 'cognito-local/lib/services/messageDelivery/consoleMessageSender';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import { otp } from 'cognito-local/lib/services/otp';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import pino from 'pino';
import { passwordPolicyRefusal } from './cognito-password-policy';

type CognitoRouter = ReturnType<typeof Router>;
type CognitoStore = Awaited<ReturnType<CognitoServiceFactoryImpl['create']>>;

/**
 * Cognito behaviour the stand-in lacks, added on the user records cognito-local keeps:
 * GlobalSignOut and AdminUserGlobalSignOut (revoke every refresh token of a user), refusing
 * sign-in to a disabled user ("User is disabled.", as AWS answers), checking a temporary password
 * before the new-password challenge (cognito-local skips it), and the pool's password policy on the
 * challenge's new password (cognito-local accepts any).
 */
function withAwsBehaviour(router: CognitoRouter, cognito: CognitoStore, issuerBase: string): CognitoRouter {
  const revokeAll = async (
    ctx: Parameters<ReturnType<CognitoRouter>>[0],
    userPoolId: string | null,
    clientId: string | null,
    username: string,
  ) => {
    const pool = userPoolId
      ? await cognito.getUserPool(ctx, userPoolId)
      : await cognito.getUserPoolForClientId(ctx, clientId ?? '');
    const user = await pool.getUserByUsername(ctx, username);
    if (!user) throw new UserNotFoundError('User does not exist.');
    await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
    return {};
  };
  return (target) => {
    if (target === 'GlobalSignOut') {
      return async (ctx, request: { AccessToken?: string }) => {
        // As Cognito does: only a valid access token this stand-in signed can end its user's sessions.
        const payload = await verifiedAccessToken(request.AccessToken ?? '', issuerBase);
        return revokeAll(ctx, null, payload.client_id, payload.sub);
      };
    }
    if (target === 'AdminUserGlobalSignOut') {
      return async (ctx, request: { UserPoolId?: string; Username?: string }) =>
        revokeAll(ctx, request.UserPoolId ?? '', null, request.Username ?? '');
    }
    if (target === 'InitiateAuth' || target === 'AdminInitiateAuth') {
      const route = router(target);
      return async (
        ctx,
        request: {
          ClientId?: string;
          UserPoolId?: string;
          AuthParameters?: { USERNAME?: string; PASSWORD?: string };
        },
      ) => {
        const username = request.AuthParameters?.USERNAME;
        if (username) {
          const pool = request.UserPoolId
            ? await cognito.getUserPool(ctx, request.UserPoolId)
            : await cognito.getUserPoolForClientId(ctx, request.ClientId ?? '');
          const user = await pool.getUserByUsername(ctx, username);
          if (user && user.Enabled === false) throw new NotAuthorizedError('User is disabled.');
          if (
            user?.UserStatus === 'FORCE_CHANGE_PASSWORD' &&
            request.AuthParameters?.PASSWORD !== undefined &&
            user.Password !== request.AuthParameters.PASSWORD
          ) {
            throw new NotAuthorizedError('Incorrect username or password.');
          }
        }
        return route(ctx, request);
      };
    }
    if (target === 'RespondToAuthChallenge') {
      const route = router(target);
      return async (
        ctx,
        request: {
          ClientId?: string;
          ChallengeName?: string;
          ChallengeResponses?: { NEW_PASSWORD?: string };
        },
      ) => {
        const newPassword = request.ChallengeResponses?.NEW_PASSWORD;
        if (request.ChallengeName === 'NEW_PASSWORD_REQUIRED' && newPassword !== undefined) {
          const pool = await cognito.getUserPoolForClientId(ctx, request.ClientId ?? '');
          const refusal = passwordPolicyRefusal(newPassword, pool.options.Policies?.PasswordPolicy);
          if (refusal) throw new CognitoError('InvalidPasswordException', refusal);
        }
        return route(ctx, request);
      };
    }
    return router(target);
  };
}

/**
 * An access token signed with the stand-in's own key and issued by one of its pools; anything else
 * (unsigned, forged, expired, an ID token) is refused as Cognito refuses it.
 */
async function verifiedAccessToken(token: string, issuerBase: string) {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    if (typeof claims.iss !== 'string' || !claims.iss.startsWith(`${issuerBase}/`)) throw new Error('issuer');
    const verifier = JwtRsaVerifier.create({ issuer: claims.iss, audience: null, tokenUse: 'access' });
    verifier.cacheJwks({ keys: [cognitoLocalPublicKey.jwk] } as never);
    const payload = await verifier.verify(token);
    if (typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') throw new Error('claims');
    return { client_id: payload.client_id, sub: payload.sub };
  } catch {
    throw new NotAuthorizedError('Invalid Access Token');
  }
}

/**
 * cognito-local, assembled like its createDefaultServer but with its state under our data folder
 * (the stock helper always writes to ./.cognito) and its issuer on the port we choose.
 */
export async function startCognito(dataDir: string, port: number) {
  const configDirectory = path.resolve(dataDir);
  const dataDirectory = path.join(configDirectory, 'db');
  mkdirSync(dataDirectory, { recursive: true });
  const issuer = `http://127.0.0.1:${port}`;
  writeFileSync(
    path.join(configDirectory, 'config.json'),
    JSON.stringify({
      ServerConfig: { port, hostname: '127.0.0.1', https: false },
      TokenConfig: { IssuerDomain: issuer },
      UserPoolDefaults: { UsernameAttributes: ['email'] },
    }),
  );
  const logger = pino({ level: 'silent' });
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory(configDirectory));
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDirectory);
  const cognito = await new CognitoServiceFactoryImpl(
    dataDirectory,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig ?? {}),
  );
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server = await createServer(
    withAwsBehaviour(Router(services), cognito, issuer),
    logger,
    config.ServerConfig,
    services,
  ).start();
  return {
    endpoint: issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
