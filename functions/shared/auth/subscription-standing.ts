/**
 * Port: whether an organization's subscription has lapsed, which puts it in a read-only grace period
 * where routes marked `subscriptionGated` are refused (docs/billing.md). The billing context implements it.
 */
export interface SubscriptionStanding {
  hasLapsed(orgId: string): Promise<boolean>;
}
