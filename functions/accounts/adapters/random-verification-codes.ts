import { randomInt } from 'node:crypto';
import type { VerificationCodes } from '../core/signup';

/** Eight random digits from the CSPRNG: 10^8 codes against MAX_CODE_ATTEMPTS guesses per code. */
export const randomVerificationCodes: VerificationCodes = {
  issue: () => randomInt(0, 100_000_000).toString().padStart(8, '0'),
};
