// Run by function-bundles.test.ts with NODE_PATH set to a synthesized vendor layer and no node_modules in
// reach: uses each module as the functions do and prints what came out.
const { PassThrough } = require('node:stream');

const drained = (stream) =>
  new Promise((resolve, reject) => {
    let bytes = 0;
    stream.on('data', (chunk) => {
      bytes += chunk.length;
    });
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
  });

async function main() {
  const Workbook = require('exceljs/lib/doc/workbook.js');
  const workbook = new Workbook();
  workbook.addWorksheet('audit').addRow(['Müller^Zoë', 1]);
  const xlsx = (await workbook.xlsx.writeBuffer()).byteLength;

  const WorkbookWriter = require('exceljs/lib/stream/xlsx/workbook-writer.js');
  const streamed = new PassThrough();
  const streamedBytes = drained(streamed);
  const writer = new WorkbookWriter({ stream: streamed, useSharedStrings: false, useStyles: true });
  const sheet = writer.addWorksheet('export');
  sheet.addRow(['a', 1]).commit();
  sheet.commit();
  await writer.commit();

  const zip = require('archiver')('zip', { store: true });
  const zipped = new PassThrough();
  const zipBytes = drained(zipped);
  zip.pipe(zipped);
  zip.append(Buffer.from('hello'), { name: 'a.txt' });
  await zip.finalize();

  const sdk = require('@aws-crypto/client-node');
  const { encrypt, decrypt } = sdk.buildClient(sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyring = new sdk.RawAesKeyringNode({
    keyName: 'probe',
    keyNamespace: 'probe',
    unencryptedMasterKey: new Uint8Array(32).fill(7),
    wrappingSuite: sdk.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const { result } = await encrypt(keyring, 'sealed', { encryptionContext: { ticket: 't1' } });
  const { plaintext } = await decrypt(keyring, result);
  new sdk.KmsKeyringNode({ generatorKeyId: 'arn:aws:kms:us-east-1:111122223333:key/probe' });

  const mail = await require('postal-mime').default.parse('From: a@b.example\r\nSubject: hi\r\n\r\nbody');

  const Stripe = require('stripe');
  const stripe = new Stripe('sk_test_probe', { maxNetworkRetries: 2, timeout: 10_000 });

  console.log(
    JSON.stringify({
      xlsx: xlsx > 0,
      streamedXlsx: (await streamedBytes) > 0,
      zip: (await zipBytes) > 0,
      unsealed: plaintext.toString(),
      mailFrom: mail.from.address,
      stripe:
        typeof stripe.invoices.list === 'function' && typeof Stripe.webhooks.constructEvent === 'function',
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
