import { logFailure, logger } from '../../../functions/shared/logger';
import { containsCardNumber, passesLuhn, redactCardNumbers } from '../../../schemas/shared/card-numbers';

// Stripe's published test card numbers: Luhn-valid, 15 and 16 digits.
const VISA = '4242424242424242';
const AMEX = '378282246310005';

describe('card number redaction', () => {
  it('knows the Luhn check', () => {
    expect(passesLuhn(VISA)).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
  });

  it('[PP-16] masks Luhn-valid PANs anywhere in text, grouped or not, keeping the last four', () => {
    expect(redactCardNumbers(`card ${VISA} declined`)).toBe('card ************4242 declined');
    expect(redactCardNumbers('4242 4242 4242 4242')).toBe('**** **** **** 4242');
    expect(redactCardNumbers(`{"n":"${AMEX}"}`)).toBe('{"n":"***********0005"}');
    expect(containsCardNumber(`x-${VISA}-y`)).toBe(true);
  });

  it('[PP-16] leaves other numbers alone: DICOM UIDs, accession numbers, dates, non-Luhn runs', () => {
    const untouched = [
      '1.2.840.113619.2.55.3.604688119.968.1234567890.123',
      '2.25.329800735698586629295641978511506172918',
      '1.3.6.1.4.1.5962.99.1.4242424242424242.1',
      'accession 20261203001234',
      'ACC-000123456',
      '2026-12-03 17:05:00',
      '4242424242424241',
      '123456789012',
      '42424242424242424242424',
    ];
    for (const text of untouched) {
      expect(redactCardNumbers(text)).toBe(text);
      expect(containsCardNumber(text)).toBe(false);
    }
  });

  it('[PP-16] the logger masks a PAN in messages, fields and stacks it writes', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const spyErr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    try {
      logger.info(`paid with ${VISA}`, { detail: { note: `card ${AMEX}` } });
      logFailure(`failed for 4242-4242-4242-4242`, new Error('x'), { route: VISA });
    } finally {
      logger.setLogLevel(level);
      spy.mockRestore();
      spyErr.mockRestore();
    }
    const output = written.join('');
    expect(output).toContain('************4242');
    expect(output).toContain('****-****-****-4242');
    expect(output).not.toContain(VISA);
    expect(output).not.toContain(AMEX);
    expect(output).not.toContain('4242-4242-4242-4242');
  });
});
