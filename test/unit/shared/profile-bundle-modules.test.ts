import { bundleModules } from '../../../scripts/bench/profile';

describe("the profile's map from bundle lines to modules", () => {
  const code = [
    '"use strict";',
    '// node_modules/@smithy/core/dist-es/index.js',
    'var a = 1;',
    '// ../../work/main/node_modules/@aws-sdk/client-dynamodb/dist-es/index.js',
    'var b = 2;',
    '// functions/imaging/core/search.ts',
    'var c = 3;',
    '// a comment that names functions/imaging in passing',
    'var d = 4;',
  ].join('\n');
  const moduleAt = bundleModules(code);

  it('names the module whose comment stands above a line', () => {
    expect(moduleAt(2)).toBe('node_modules/@smithy/core/dist-es/index.js');
    expect(moduleAt(6)).toBe('functions/imaging/core/search.ts');
  });

  it('names a package reached through a node_modules linked from elsewhere (a git worktree)', () => {
    expect(moduleAt(4)).toBe('node_modules/@aws-sdk/client-dynamodb/dist-es/index.js');
  });

  it('takes no prose for a module path, and nothing above the first comment', () => {
    expect(moduleAt(8)).toBe('functions/imaging/core/search.ts');
    expect(moduleAt(0)).toBe('bundle');
  });
});
