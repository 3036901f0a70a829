import { readFileSync } from 'node:fs';
import type { KeyringNode } from '@aws-crypto/client-node';
import { once } from '../../shared/once';
import type { Sealer } from '../core/ports';

type EncryptionSdk = typeof import('@aws-crypto/client-node');

/**
 * The AWS Encryption SDK, loaded by the first seal or open (from the vendor layer in Lambda,
 * infra/shared/vendor-layer-packages.ts): requiring it costs ~230 ms, which a function's init would
 * otherwise pay whether or not the request touches a sealed value.
 */
const encryptionSdk = once(async () => {
  const sdk: EncryptionSdk = await import('@aws-crypto/client-node');
  return { sdk, client: sdk.buildClient(sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT) };
});

/** How a keyring is made once the SDK is loaded. */
export type KeyringFactory = (sdk: EncryptionSdk) => KeyringNode;

/**
 * Envelope encryption with the AWS Encryption SDK: a fresh data key per message, wrapped by the keyring
 * (KMS in AWS, a raw AES-256 key locally), the encryption context bound into the message and checked
 * again on decrypt so a sealed value cannot be moved to another ticket or organization.
 */
export class EncryptionSdkSealer implements Sealer {
  private keyring: KeyringNode | null = null;

  constructor(private readonly makeKeyring: KeyringFactory) {}

  private async loaded() {
    const { sdk, client } = await encryptionSdk();
    this.keyring ??= this.makeKeyring(sdk);
    return { client, keyring: this.keyring };
  }

  async seal(plaintext: string, context: Readonly<Record<string, string>>): Promise<string> {
    const { client, keyring } = await this.loaded();
    const { result } = await client.encrypt(keyring, plaintext, { encryptionContext: { ...context } });
    return result.toString('base64');
  }

  async open(sealed: string, context: Readonly<Record<string, string>>): Promise<string> {
    const { client, keyring } = await this.loaded();
    const { plaintext, messageHeader } = await client.decrypt(keyring, Buffer.from(sealed, 'base64'));
    for (const [name, value] of Object.entries(context)) {
      if (messageHeader.encryptionContext[name] !== value) {
        throw new Error('sealed value does not belong here (encryption context mismatch)');
      }
    }
    return plaintext.toString('utf8');
  }
}

/** AWS: the support message key in KMS (GenerateDataKey to seal, Decrypt to open). */
export function kmsKeyring(keyArn: string): KeyringFactory {
  return (sdk) => new sdk.KmsKeyringNode({ generatorKeyId: keyArn });
}

/** Locally: a 32-byte key file the local stack makes on first start (no KMS emulator exists). */
export function localKeyring(keyFile: string): KeyringFactory {
  const key = readFileSync(keyFile);
  if (key.length !== 32) throw new Error('the local support message key must be 32 bytes');
  return (sdk) =>
    new sdk.RawAesKeyringNode({
      keyName: 'support-messages',
      keyNamespace: 'pacscribe-local',
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: sdk.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
}
