import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type AppConfig, consoleUrl } from '#infra/shared/app-config';
import { PacsUserPool } from './pacs-user-pool';
import { customerUserPool, supportUserPool } from './user-pool-definitions';

/** Stateful: the customer pool and, as a separate identity population, PACScribe's support staff [PP-08]. */
export class IdentityStack extends Stack {
  readonly customers: PacsUserPool;
  readonly support: PacsUserPool;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    const { config } = props;
    const base = config.appBaseUrl.replace(/\/$/, '');
    const prefix = `pacscribe-${config.stage}-${this.account}`;
    this.customers = new PacsUserPool(this, 'Customers', {
      definition: customerUserPool,
      domainPrefix: `${prefix}-customers`,
      // The web console (infra/console) signs in and out at its own address; the others stay registered.
      callbackUrls: [`${base}/auth/callback`, consoleUrl(config)],
      logoutUrls: [`${base}/`, consoleUrl(config)],
    });
    this.support = new PacsUserPool(this, 'Support', {
      definition: supportUserPool,
      domainPrefix: `${prefix}-support`,
      callbackUrls: [`${base}/support/auth/callback`],
      logoutUrls: [`${base}/support/`],
    });
  }
}
