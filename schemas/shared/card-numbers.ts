/**
 * Payment card numbers never reach PACScribe's logs or stores [PP-16, PP-17]. A PAN is 13–19 digits
 * (ISO/IEC 7812), often grouped by spaces or dashes, and passes the Luhn check. Only a whole run of digits
 * counts: digits inside longer runs or joined by dots (DICOM UIDs such as 1.2.840.10008…, 2.25.<39 digits>)
 * are not card numbers and stay as they are.
 */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/** The Luhn (mod 10) check digit test that every card number passes. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function isCardNumber(run: string): boolean {
  const digits = run.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
}

/** True when the text holds a PAN-like, Luhn-valid run of 13–19 digits. */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    if (isCardNumber(match[0]) && standsAlone(text, match.index, match[0].length)) return true;
  }
  return false;
}

/** Masks every PAN-like run but its last four digits; separators are kept, other text untouched. */
export function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run, offset: number) => {
    if (!isCardNumber(run) || !standsAlone(text, offset, run.length)) return run;
    let keep = 4;
    let masked = '';
    for (let index = run.length - 1; index >= 0; index -= 1) {
      const char = run.charAt(index);
      if (char >= '0' && char <= '9' && keep-- <= 0) masked = `*${masked}`;
      else masked = `${char}${masked}`;
    }
    return masked;
  });
}

/** A run that is one component of a dotted identifier (a DICOM UID) is not a card number. */
function standsAlone(text: string, offset: number, length: number): boolean {
  const before = text.charAt(offset - 1);
  const after = text.charAt(offset + length);
  const dotted = (char: string, next: string) => char === '.' && next >= '0' && next <= '9';
  return !dotted(before, text.charAt(offset - 2)) && !dotted(after, text.charAt(offset + length + 1));
}

/** A JSON.stringify replacer for log output: every string and number value is redacted. */
export function redactingJsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return redactCardNumbers(value);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e12) {
    const redacted = redactCardNumbers(String(value));
    return redacted === String(value) ? value : redacted;
  }
  if (typeof value === 'bigint') return redactCardNumbers(value.toString());
  return value;
}

/** The zod issue parameter that makes request parsing answer `card_data_refused` instead of `invalid_request`. */
export const CARD_DATA_ISSUE = { code: 'card_data_refused' } as const;
