import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import type { CheckpointSigner, CheckpointVerifier } from '../core/checkpoints';

/** A stable id for a public key: `local:` and the start of its SPKI SHA-256 fingerprint. */
export function localKeyId(publicKey: KeyObject): string {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return `local:${createHash('sha256').update(spki).digest('hex').slice(0, 32)}`;
}

/** Signs with a P-256 private key held in this process (the local stack's witness, tests). */
export class KeyPairCheckpointSigner implements CheckpointSigner {
  constructor(
    private readonly privateKey: KeyObject,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    // DER, as KMS returns ECDSA signatures, so one verifier serves both.
    return sign('sha256', message, { key: this.privateKey, dsaEncoding: 'der' });
  }
}

/** Verifies with the public keys it was given, by keyId (one from KMS GetPublicKey, or the local one). */
export class PublicKeyCheckpointVerifier implements CheckpointVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(keys: readonly { keyId: string; publicKey: KeyObject }[]) {
    this.keys = new Map(keys.map(({ keyId, publicKey }) => [keyId, publicKey]));
  }

  async verify(keyId: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const publicKey = this.keys.get(keyId);
    if (!publicKey) return false;
    try {
      return verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  }
}
