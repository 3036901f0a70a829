import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ShareSecrets } from '../core/ports';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 32;

/**
 * node:crypto behind the ShareSecrets port. Link and session tokens are 256 random bits (base64url,
 * 43 characters); only their SHA-256 is stored. Passcodes are kept as scrypt hashes with a random salt.
 */
export const cryptoShareSecrets: ShareSecrets = {
  newToken: () => randomBytes(32).toString('base64url'),
  newCode: () => String(randomInt(0, 100_000_000)).padStart(8, '0'),
  newKey: () => randomBytes(32).toString('base64url'),
  digest: (secret) => createHash('sha256').update(secret).digest('hex'),
  async hashPasscode(passcode) {
    const salt = randomBytes(16);
    const hash = await scryptAsync(passcode.normalize('NFC'), salt, KEY_LENGTH);
    return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  },
  async verifyPasscode(passcode, stored) {
    const [scheme, salt, expected] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !expected) return false;
    const hash = await scryptAsync(passcode.normalize('NFC'), Buffer.from(salt, 'base64url'), KEY_LENGTH);
    return timingSafeEqual(hash, Buffer.from(expected, 'base64url'));
  },
  same(a, b) {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  },
};
