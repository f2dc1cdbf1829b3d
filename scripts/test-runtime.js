/**
 * Runs the core and sync test files, unchanged, on another runtime and says
 * how many ran: Vitest itself under Bun or Deno (its forked workers inherit
 * the runtime), or Vitest's browser mode in headless Chromium. Exits non-zero
 * if a test failed or none ran.
 *
 * Usage: node scripts/test-runtime.js bun|deno|browser [vitest args...]
 * Writes .tmp/vitest-report-<runtime>.json (vitest's json reporter).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${ROOT}node_modules/.bin/`;
const VITEST = `${ROOT}node_modules/vitest/vitest.mjs`;

const [which, ...extra] = process.argv.slice(2);
const runs = {
  bun: { name: 'Bun', exe: `${BIN}bun`, args: ['--bun', VITEST], config: 'vitest.runtimes.config.ts' },
  // Deno's V8 takes --expose-gc from --v8-flags (the leak tests call gc()).
  deno: { name: 'Deno', exe: `${BIN}deno`, args: ['run', '-A', '--v8-flags=--expose-gc', VITEST], config: 'vitest.runtimes.config.ts' },
  browser: { name: 'headless Chromium', exe: process.execPath, args: [VITEST], config: 'vitest.browser.config.ts' },
};
const run = runs[which];
if (run === undefined) {
  console.error('usage: node scripts/test-runtime.js bun|deno|browser [vitest args...]');
  process.exit(2);
}

const report = `.tmp/vitest-report-${which}.json`;
rmSync(report, { force: true });
const started = Date.now();
const result = spawnSync(
  run.exe,
  [...run.args, 'run', '--config', run.config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CTXKIT_RUNTIME: which } },
);
if (result.error) {
  console.error(`ctxkit: could not start ${run.exe}: ${result.error.message}`);
  process.exit(1);
}

let r;
try {
  r = JSON.parse(readFileSync(`${ROOT}${report}`, 'utf8'));
} catch (err) {
  console.error(`ctxkit: no test report from the ${run.name} run (${err.message})`);
  process.exit(1);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const files = Array.isArray(r.testResults) ? r.testResults.length : 0;
const seconds = Math.round((Date.now() - started) / 1000);
const tally = `${r.numPassedTests} of ${r.numTotalTests} tests in ${files} files passed${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
if (result.status !== 0 || r.success !== true || r.numFailedTests !== 0 || r.numPassedTests === 0) {
  console.error(`ctxkit on ${run.name}: ${r.numFailedTests} failed; ${tally}`);
  process.exit(1);
}
console.log(`ctxkit on ${run.name}: ${tally}, in ${seconds} s`);
