import { StripeEventSchema } from '#schemas/billing/stripe-events';
import { httpHandler } from '../../shared/composition/http-handler';
import { InvalidInputError } from '../../shared/errors';
import { ok } from '../../shared/http/responses';
import { processStripeEvent } from '../core/webhook-events';
import { webhookDeps, webhookVerifier } from '../deps';
import { billingRoutes } from '../routes';

/** Verify over the exact bytes Stripe signed, then process the event once; nothing is written before. */
export const handler = httpHandler(billingRoutes.receiveStripeWebhook, async ({ raw, audit }) => {
  const verified = (await webhookVerifier()).verify(raw.body(), raw.header('stripe-signature'));
  const event = StripeEventSchema.safeParse(verified);
  if (!event.success) throw new InvalidInputError('The event is not a Stripe event.', [], 'invalid_request');
  const deps = webhookDeps();
  const orgId = await orgOf(deps, event.data.data.object);
  if (orgId) audit.subject = { orgId, userId: null };
  const outcome = await processStripeEvent(deps, event.data);
  return ok({ received: true, outcome });
});

async function orgOf(deps: ReturnType<typeof webhookDeps>, object: Record<string, unknown>) {
  const customer = object.customer;
  const id = typeof customer === 'string' ? customer : (customer as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? deps.store.findOrgByCustomer(id) : null;
}
