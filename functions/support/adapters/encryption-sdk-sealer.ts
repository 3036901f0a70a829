import { readFileSync } from 'node:fs';
import {
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import type { Sealer } from '../core/ports';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/**
 * Envelope encryption with the AWS Encryption SDK: a fresh data key per message, wrapped by the keyring
 * (KMS in AWS, a raw AES-256 key locally), the encryption context bound into the message and checked
 * again on decrypt so a sealed value cannot be moved to another ticket or organization.
 */
export class EncryptionSdkSealer implements Sealer {
  constructor(private readonly keyring: KeyringNode) {}

  async seal(plaintext: string, context: Readonly<Record<string, string>>): Promise<string> {
    const { result } = await encrypt(this.keyring, plaintext, { encryptionContext: { ...context } });
    return result.toString('base64');
  }

  async open(sealed: string, context: Readonly<Record<string, string>>): Promise<string> {
    const { plaintext, messageHeader } = await decrypt(this.keyring, Buffer.from(sealed, 'base64'));
    for (const [name, value] of Object.entries(context)) {
      if (messageHeader.encryptionContext[name] !== value) {
        throw new Error('sealed value does not belong here (encryption context mismatch)');
      }
    }
    return plaintext.toString('utf8');
  }
}

/** AWS: the support message key in KMS (GenerateDataKey to seal, Decrypt to open). */
export function kmsKeyring(keyArn: string): KeyringNode {
  return new KmsKeyringNode({ generatorKeyId: keyArn });
}

/** Locally: a 32-byte key file the local stack makes on first start (no KMS emulator exists). */
export function localKeyring(keyFile: string): KeyringNode {
  const key = readFileSync(keyFile);
  if (key.length !== 32) throw new Error('the local support message key must be 32 bytes');
  return new RawAesKeyringNode({
    keyName: 'support-messages',
    keyNamespace: 'pacscribe-local',
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}
