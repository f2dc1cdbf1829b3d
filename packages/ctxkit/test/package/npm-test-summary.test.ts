/**
 * `npm test` ends with one line saying what ran and that it passed, printed
 * by scripts/test-summary.js from the JSON report vitest writes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'test-summary.js');

function summary(report: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, report], { cwd: ROOT, timeout: 10_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err.code as number) ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The fields of vitest's JSON report the summary reads. */
function report(fields: Record<string, unknown>): string {
  return JSON.stringify({
    numTotalTestSuites: 40,
    numTotalTests: 12,
    numPassedTests: 10,
    numFailedTests: 0,
    numPendingTests: 1,
    numTodoTests: 1,
    numPassedTestSuites: 40,
    numFailedTestSuites: 0,
    success: true,
    testResults: [{ name: 'a.test.ts' }, { name: 'b.test.ts' }, { name: 'c.test.ts' }],
    ...fields,
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctxkit-summary-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm test', () => {
  it('ends with the summary, after the package checks', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    const steps = scripts.test.split('&&').map((s: string) => s.trim());
    expect(steps.slice(-2)).toEqual(['npm run check:package', 'node scripts/test-summary.js']);
    expect(scripts['test:unit']).toMatch(/--reporter=json\b/);
    expect(scripts['test:unit']).toMatch(/--outputFile\.json=\.tmp\/vitest-report\.json\b/);
  });

  it('prints one line naming every step and the number of tests that passed', async () => {
    await writeFile(join(dir, 'pass.json'), report({}));
    const { code, stdout } = await summary(join(dir, 'pass.json'));
    expect(code).toBe(0);
    expect(stdout).toBe('ctxkit: typecheck, lint, build, 10 tests in 3 files (2 skipped), package checks — all passed\n');
  });

  it('leaves out the skipped count when nothing was skipped', async () => {
    await writeFile(join(dir, 'all.json'), report({ numTotalTests: 10, numPendingTests: 0, numTodoTests: 0 }));
    const { stdout } = await summary(join(dir, 'all.json'));
    expect(stdout).toBe('ctxkit: typecheck, lint, build, 10 tests in 3 files, package checks — all passed\n');
  });

  it('fails, and says so, on a report with failures', async () => {
    await writeFile(join(dir, 'fail.json'), report({ success: false, numFailedTests: 2, numPassedTests: 8 }));
    const { code, stdout, stderr } = await summary(join(dir, 'fail.json'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/2 of 12 tests failed/);
  });

  it('fails, and says so, without a report', async () => {
    const { code, stderr } = await summary(join(dir, 'missing.json'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no test report/);
  });
});
