/**
 * Process lifetime on Node, Bun and Deno, with real processes and the built
 * package (dist/index.js; `npm run build` first): a pending deadline alone
 * never keeps a process alive, while done(), race() and sleep() waiting on
 * a context keep it alive until its deadline fires; an exception thrown by
 * an afterFunc callback is reported as uncaught (the process fails) after
 * the other callbacks have run. Bun and Deno are the root devDependencies'
 * binaries.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./lifetime-fixture.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const BIN = fileURLToPath(new URL('../../../../node_modules/.bin/', import.meta.url));

const runtimes: Array<[string, string, string[]]> = [
  ['Node', process.execPath, []],
  ['Bun', BIN + 'bun', []],
  ['Deno', BIN + 'deno', ['run', '--no-prompt']],
];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from the program's first line to its exit */
  lived: number;
}

function runCase(exe: string, args: string[], which: string): Promise<Exit> {
  // Nothing inherited from the test runner's own process (NODE_OPTIONS and the like).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...args, FIXTURE, which], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const end = Date.now();
      clearTimeout(kill);
      const start = Number(/^start (\d+)$/m.exec(stdout)?.[1]);
      if (!Number.isFinite(start)) reject(new Error(`no start line (exit ${code}): ${stdout}${stderr}`));
      else resolve({ code, stdout, stderr, lived: end - start });
    });
  });
}

describe.each(runtimes)('process lifetime on %s', (_name, exe, args) => {
  if (!existsSync(DIST)) throw new Error('build first: npm run build');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: npm install`);

  it.concurrent.each(['pending withTimeout', 'pending far deadline'])('%s alone does not keep the process alive', async (which) => {
    const r = await runCase(exe, args, which);
    expect(r.code, r.stderr).toBe(0);
    // The deadline is 10 s (or 2^33 ms) away: exiting at once means it held nothing.
    expect(r.lived).toBeLessThan(3_000);
  });

  it.concurrent('a done() that a cancel settles lets the process exit at once', async () => {
    const r = await runCase(exe, args, 'cancelled while done() waits');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('settled fulfilled');
    expect(r.lived).toBeLessThan(3_000);
  });

  it.concurrent.each([
    ['await done', 'settled fulfilled'],
    ['await race', 'settled context deadline exceeded'],
    ['await sleep(Infinity)', 'settled context deadline exceeded'],
    ['await sleep', 'settled fulfilled'],
    ['await done, its deadline timer armed late', 'settled fulfilled'],
  ])('%s keeps the process alive until the 300 ms deadline', async (which, outcome) => {
    const r = await runCase(exe, args, which);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(outcome);
    expect(r.lived).toBeGreaterThanOrEqual(300);
  });

  it.concurrent('reports an exception thrown by an afterFunc callback as uncaught, after running the others', async () => {
    const r = await runCase(exe, args, 'afterFunc throws');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom from afterFunc');
    expect(r.stdout).toContain('second afterFunc ran');
  });
});
