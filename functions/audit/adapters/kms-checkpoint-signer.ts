import { createPublicKey, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { CheckpointSigner } from '../core/checkpoints';

/**
 * Signs checkpoints with a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): the private key never leaves
 * KMS, and only the archiver's role may call kms:Sign with it (infra/audit/audit-archive.ts).
 */
export class KmsCheckpointSigner implements CheckpointSigner {
  constructor(
    private readonly client: KMSClient,
    /** The key ARN: what checkpoints name as keyId, and what verifiers look up. */
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const { Signature } = await this.client.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!Signature) throw new Error('KMS returned no signature');
    return Signature;
  }
}

/** The public half of a KMS signing key, under the key ARN that checkpoints carry as keyId. */
export async function kmsPublicKey(
  client: KMSClient,
  keyId: string,
): Promise<{ keyId: string; publicKey: KeyObject }> {
  const { KeyId, PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!KeyId || !PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
  return {
    keyId: KeyId,
    publicKey: createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }),
  };
}
