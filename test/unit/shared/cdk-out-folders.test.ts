import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { noteCdkOutFolders } from '../../support/cdk-out-folders';

describe("the test run's cleanup of synthesized CDK apps", () => {
  it('removes the cdk.out folders that appeared during the run, and only those', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'cdk-out-cleanup-'));
    try {
      mkdirSync(path.join(directory, 'cdk.outBEFORE'));
      mkdirSync(path.join(directory, 'other'));
      const removeRunsOwn = noteCdkOutFolders(directory);
      mkdirSync(path.join(directory, 'cdk.outDURING', 'asset.1'), { recursive: true });
      mkdirSync(path.join(directory, 'unrelated'));
      removeRunsOwn();
      expect(readdirSync(directory).sort()).toEqual(['cdk.outBEFORE', 'other', 'unrelated']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
