import { accountsRepository } from '../accounts/deps';
import { sesClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock } from '../shared/ports';
import { SesMailer } from './adapters/ses-mailer';
import type { WelcomeMailDeps } from './core/welcome-mail';

export const welcomeMailDeps = once((): WelcomeMailDeps => {
  const env = bindingEnv('mail:send');
  return {
    accounts: accountsRepository(),
    mailer: new SesMailer(sesClient(), env.MAIL_FROM_ADDRESS, env.MAIL_CONFIGURATION_SET_NAME),
    clock: systemClock,
    appBaseUrl: env.APP_BASE_URL,
  };
});
