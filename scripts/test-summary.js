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

// The core and sync suites run again on other runtimes (npm run test:bun,
// test:deno, test:browser); their reports sit beside the Node one. Only the
// runs that happened are named, so the line also works for the Node run alone.
const runtimes = [];
for (const name of ['bun', 'deno', 'browser']) {
  let r;
  try {
    r = JSON.parse(readFileSync(path.replace(/\.json$/, `-${name}.json`), 'utf8'));
  } catch {
    continue;
  }
  if (r.success !== true || r.numFailedTests !== 0) {
    console.error(`ctxkit: the ${name} run failed`);
    process.exit(1);
  }
  runtimes.push(`${r.numPassedTests} on ${name === 'browser' ? 'Chromium' : name[0].toUpperCase() + name.slice(1)}`);
}
const also = runtimes.length > 0 ? ` (core and sync also ${runtimes.join(', ')})` : '';
console.log(`ctxkit: typecheck, lint, build, ${tests}${also}, package checks — all passed`);
