import { bindingTable } from '#infra/shared/binding-definition';
import type { MailSenderRef, StateMachineRef } from '#infra/shared/pacs-function';
import { MAIL_BINDINGS } from '#schemas/mail/env';

/** The deployed resources the mail context's bindings point at. */
export interface MailResources {
  mail?: MailSenderRef;
  /** Where links in mails point (the web app). */
  appBaseUrl?: string;
  welcomeWorkflow?: StateMachineRef;
}

export const mailBindings = bindingTable<typeof MAIL_BINDINGS, MailResources>(MAIL_BINDINGS, {
  'mail:send': {
    grant: (fn, need, env) => {
      fn.bindMailSender(need('mail'), {
        fromAddressName: env.MAIL_FROM_ADDRESS,
        configurationSetName: env.MAIL_CONFIGURATION_SET_NAME,
      });
      fn.setEnvironment(env.APP_BASE_URL, need('appBaseUrl'));
    },
  },
  'welcome-workflow:start': {
    grant: (fn, need, env) => fn.bindStateMachineStart(need('welcomeWorkflow'), env.WELCOME_WORKFLOW_ARN),
  },
});
