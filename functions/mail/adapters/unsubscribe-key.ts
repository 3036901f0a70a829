import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { UnsubscribeKey } from '../core/ports';

/**
 * The unsubscribe-link secret: a Secrets Manager secret (ARN) in AWS, read once per process; locally
 * `file:<path>`, a random key the local stack made (no Secrets Manager stand-in runs locally).
 */
export function unsubscribeKey(reference: string): UnsubscribeKey {
  let secret: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    if (reference.startsWith('file:')) return readFileSync(reference.slice('file:'.length));
    const client = new SecretsManagerClient({});
    try {
      const { SecretString, SecretBinary } = await client.send(
        new GetSecretValueCommand({ SecretId: reference }),
      );
      if (SecretBinary) return SecretBinary;
      if (SecretString) return Buffer.from(SecretString, 'utf8');
      throw new Error('the unsubscribe secret is empty');
    } finally {
      client.destroy();
    }
  };
  return {
    secret() {
      if (!secret) {
        secret = load();
        secret.catch(() => {
          secret = undefined;
        });
      }
      return secret;
    },
  };
}
