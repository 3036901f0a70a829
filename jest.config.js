// Three projects so each kind of test can be run alone; `npm test` runs all of them.
// @middy/* ships ESM only, so swc transforms it to CommonJS like our own TypeScript.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@middy/|marked/)'],
  moduleNameMapper: {
    '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
    // Subpath exports are ESM-only ("import" condition), which jest's CommonJS resolver does not match.
    '^@middy/core/StreamifyResponse$': '<rootDir>/node_modules/@middy/core/executionModeStreamifyResponse.js',
  },
  testEnvironment: 'node',
};

// The folders synthesized CDK apps leave in the temporary directory are removed after the run.
const removesCdkOut = {
  globalSetup: '<rootDir>/test/support/cdk-out-folders.ts',
  globalTeardown: '<rootDir>/test/support/cdk-out-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  reporters: [
    'default',
    ['<rootDir>/test/support/clause-reporter.js', { outputFile: 'reports/test-results.json' }],
  ],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      ...removesCdkOut,
    },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'], ...removesCdkOut },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/local-stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/local-stack-teardown.ts',
    },
  ],
};
