/**
 * The DICOM libraries handler bundles leave external and the DICOM layer provides (infra/shared/dicom-layer.ts).
 * Their own file, free of aws-cdk-lib, because the local stack reads the bundle options.
 */
export const DICOM_LAYER_PACKAGES = ['dcmjs', 'dcmjs-codecs'] as const;
