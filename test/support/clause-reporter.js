// Writes every test's full name and status to a JSON file, so `npm run compliance` can map
// privacy-policy clause ids ([PP-xx]) in test names to the tests that carry them.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

class ClauseReporter {
  constructor(_globalConfig, options) {
    this.outputFile = options?.outputFile ?? 'reports/test-results.json';
  }

  onRunComplete(_contexts, results) {
    const tests = results.testResults.flatMap((file) =>
      file.testResults.map((test) => ({
        file: path.relative(process.cwd(), file.testFilePath),
        name: test.fullName,
        status: test.status,
      })),
    );
    mkdirSync(path.dirname(this.outputFile), { recursive: true });
    writeFileSync(
      this.outputFile,
      `${JSON.stringify({ finishedAt: new Date().toISOString(), success: results.success, tests }, null, 2)}\n`,
    );
  }
}

module.exports = ClauseReporter;
