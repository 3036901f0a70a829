import { CheckoutBodySchema, PortalBodySchema } from '../../../schemas/billing/billing';

const checkout = {
  plan: 'standard',
  billingEmail: 'billing@clinic.example',
  billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
};

describe('billing request schemas', () => {
  it('accept a plan and a billing contact', () => {
    expect(CheckoutBodySchema.safeParse(checkout).success).toBe(true);
    expect(PortalBodySchema.safeParse({}).success).toBe(true);
  });

  it.each([
    ['card', { card: { number: '4242424242424242' } }],
    ['cardNumber', { cardNumber: '4242424242424242' }],
    ['number', { number: '4242424242424242' }],
    ['cvc', { cvc: '123' }],
    ['exp_month', { exp_month: 12 }],
    ['exp_year', { exp_year: 2030 }],
    ['expiry', { expiry: '12/30' }],
  ])('[PP-16] refuse a body carrying %s', (_field, extra) => {
    expect(CheckoutBodySchema.safeParse({ ...checkout, ...extra }).success).toBe(false);
    expect(PortalBodySchema.safeParse(extra).success).toBe(false);
    expect(
      CheckoutBodySchema.safeParse({ ...checkout, billingAddress: { ...checkout.billingAddress, ...extra } })
        .success,
    ).toBe(false);
  });
});
