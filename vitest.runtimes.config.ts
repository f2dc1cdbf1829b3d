/**
 * The core and sync tests, unchanged, on another runtime than Node: Vitest
 * itself runs under Bun or Deno (scripts/test-runtime.js), and so do its
 * forked workers, which inherit the runtime's executable. `--expose-gc`
 * gives the leak tests gc() there too.
 */
import { defineConfig } from 'vitest/config';
import type { Runtime } from './packages/ctxkit/test/harness/runtime.js';

/** The test files every runtime runs: those of the runtime-agnostic entry points. */
export const portableTests = ['packages/ctxkit/test/core/*.test.ts', 'packages/ctxkit/test/sync/*.test.ts'];

const runtime = (process.env.CTXKIT_RUNTIME ?? 'node') as Runtime;

export default defineConfig({
  test: {
    include: portableTests,
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    setupFiles: ['packages/ctxkit/test/harness/setup.ts'],
    provide: { runtime },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
