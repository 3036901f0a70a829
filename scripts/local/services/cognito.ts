import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as AWS from 'aws-sdk';
import { createServer } from 'cognito-local';
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
  const server = await createServer(Router(services), logger, config.ServerConfig, services).start();
  return {
    endpoint: issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
