import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { BillingSummary } from '../../../schemas/billing/billing';
import { useSession } from '../app-context';
import { Choice, Field } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, PageTitle } from '../components/status';

function Checkout() {
  const { api } = useSession();
  const [plan, setPlan] = useState<'standard' | 'enterprise'>('standard');
  const [billingEmail, setEmail] = useState('');
  const [line1, setLine1] = useState('');
  const [city, setCity] = useState('');
  const [state, setState] = useState('');
  const [postalCode, setPostalCode] = useState('');
  const checkout = useMutation({
    mutationFn: async () => {
      const session = await api.post<{ url: string }>('/v1/billing/checkout', {
        plan,
        billingEmail,
        billingAddress: { line1, city, state, postalCode, country: 'US' },
      });
      // Card details are entered only on Stripe's page; PACScribe never sees them.
      window.location.assign(session.url);
    },
  });
  return (
    <Form
      className="inline-form panel"
      onSubmit={(event) => {
        event.preventDefault();
        checkout.mutate();
      }}
    >
      <h2>Subscribe</h2>
      <Choice
        label="Plan"
        value={plan}
        options={[
          { id: 'standard', label: 'Standard' },
          { id: 'enterprise', label: 'Enterprise' },
        ]}
        onChange={setPlan}
      />
      <Field
        label="Billing email"
        name="billingEmail"
        type="email"
        value={billingEmail}
        onChange={setEmail}
        isRequired
      />
      <Field
        label="Address"
        name="line1"
        value={line1}
        onChange={setLine1}
        isRequired
        autoComplete="address-line1"
      />
      <Field
        label="City"
        name="city"
        value={city}
        onChange={setCity}
        isRequired
        autoComplete="address-level2"
      />
      <Field label="State" name="state" value={state} onChange={setState} autoComplete="address-level1" />
      <Field
        label="ZIP code"
        name="postalCode"
        value={postalCode}
        onChange={setPostalCode}
        isRequired
        autoComplete="postal-code"
      />
      <Button type="submit" isDisabled={checkout.isPending}>
        Continue to payment on Stripe
      </Button>
      <ErrorMessage error={checkout.error} />
    </Form>
  );
}

export function BillingPage() {
  const { api } = useSession();
  const billing = useQuery({ queryKey: ['billing'], queryFn: () => api.get<BillingSummary>('/v1/billing') });
  const portal = useMutation({
    mutationFn: async () =>
      window.location.assign((await api.post<{ url: string }>('/v1/billing/portal')).url),
  });
  return (
    <>
      <PageTitle description="Payment is handled by Stripe; PACScribe keeps no card data.">Billing</PageTitle>
      {billing.isPending ? <Loading what="billing" /> : null}
      <ErrorMessage error={billing.error ?? portal.error} />
      {billing.data ? (
        <section className="panel" aria-labelledby="subscription-heading">
          <h2 id="subscription-heading">Subscription</h2>
          <p>
            Plan: <strong>{billing.data.plan ?? 'none'}</strong> · status:{' '}
            <strong>{billing.data.status}</strong>
            {billing.data.billingEmail ? ` · invoices go to ${billing.data.billingEmail}` : ''}
          </p>
          {billing.data.plan ? (
            <Button onPress={() => portal.mutate()} isDisabled={portal.isPending}>
              Manage payment method and plan on Stripe
            </Button>
          ) : null}
        </section>
      ) : null}
      {billing.data && !billing.data.plan ? <Checkout /> : null}
      {billing.data ? (
        <section className="panel" aria-labelledby="invoices-heading">
          <h2 id="invoices-heading">Invoices</h2>
          {billing.data.invoices.length === 0 ? <Empty>No invoices yet.</Empty> : null}
          <ul>
            {billing.data.invoices.map((invoice) => (
              <li key={invoice.id}>
                {formatTime(invoice.createdAt)} · {invoice.number ?? invoice.id} · {invoice.status ?? ''} ·{' '}
                {(invoice.amountPaid / 100).toLocaleString(undefined, {
                  style: 'currency',
                  currency: invoice.currency.toUpperCase(),
                })}
                {invoice.hostedInvoiceUrl ? (
                  <>
                    {' '}
                    · <a href={invoice.hostedInvoiceUrl}>View on Stripe</a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
