/**
 * Third-party libraries only some functions use, each large enough to push a bundle over 1 MB: handler
 * bundles leave them external and the vendor layer (infra/shared/vendor-layer.ts) provides them, each
 * prebundled into one file at the path `require()` resolves. The code loads them on first use, so a
 * function's init does not pay for them. Their own file, free of aws-cdk-lib: the local stack reads the
 * bundle options.
 */
export const VENDOR_LAYER_MODULES = [
  // The in-memory XLSX workbook (audit and disclosure downloads) and the streaming one (the export).
  'exceljs/lib/doc/workbook.js',
  'exceljs/lib/stream/xlsx/workbook-writer.js',
  // ZIP streams: share downloads, study archives and exports.
  'archiver',
  // Sealed support-ticket contents (envelope encryption with KMS).
  '@aws-crypto/client-node',
  // Parsing support requests that arrive by mail.
  'postal-mime',
  // Billing: checkout, the portal, invoices and webhook verification.
  'stripe',
] as const;

export type VendorLayerModule = (typeof VENDOR_LAYER_MODULES)[number];

/** The package a module specifier belongs to (its licence and version go into the layer). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}
