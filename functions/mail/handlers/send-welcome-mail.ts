import middy from '@middy/core';
import {
  type WelcomeMailInput,
  WelcomeMailInputSchema,
  type WelcomeMailResult,
} from '#schemas/mail/welcome-mail';
import { sendWelcomeMail } from '../core/welcome-mail';
import { welcomeMailDeps } from '../deps';

/** Step Functions task: state is validated on entry, so a malformed execution fails without retries. */
export const handler = middy<unknown, WelcomeMailResult>().handler(async (event) => {
  const input: WelcomeMailInput = WelcomeMailInputSchema.parse(event);
  return sendWelcomeMail(welcomeMailDeps(), input);
});
