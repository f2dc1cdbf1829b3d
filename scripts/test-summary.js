/**
 * The last step of `npm test`: one line saying what ran and that it passed.
 * Every earlier step is chained with `&&`, so reaching this one means they
 * all passed; the test count comes from the JSON report that
 * `npm run test:unit` writes (vitest's json reporter).
 *
 * Usage: node scripts/test-summary.js [report]   (default .tmp/vitest-report.json)
 */
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.tmp/vitest-report.json';

let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (err) {
  console.error(`ctxkit: no test report at ${path} (${err.message}); run npm test`);
  process.exit(1);
}

const total = report.numTotalTests;
const failed = report.numFailedTests;
const passed = report.numPassedTests;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (report.success !== true || failed !== 0 || passed === 0) {
  console.error(`ctxkit: ${failed} of ${total} tests failed (report ${path})`);
  process.exit(1);
}

const files = Array.isArray(report.testResults) ? report.testResults.length : 0;
const tests = `${passed} tests in ${files} files${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
console.log(`ctxkit: typecheck, lint, build, ${tests}, package checks — all passed`);
