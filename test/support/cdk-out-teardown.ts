/** Global teardown of the unit and infra projects: after every test of the run (see cdk-out-folders.ts). */
export default function teardown(): void {
  const remove = globalThis.__PACSCRIBE_REMOVE_CDK_OUT__;
  globalThis.__PACSCRIBE_REMOVE_CDK_OUT__ = undefined;
  remove?.();
}
