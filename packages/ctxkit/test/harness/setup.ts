/**
 * Setup file of the Bun, Deno and browser runs of the core and sync tests
 * (vitest.runtimes.config.ts, vitest.browser.config.ts): fails every test
 * file that is not running on the runtime its run was started for, so a
 * run that silently fell back to Node cannot pass for another runtime.
 */
import { inject } from 'vitest';
import { type Runtime, runtime } from './runtime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: Runtime;
  }
}

const expected = inject('runtime');
if (runtime !== expected) throw new Error(`this run is for ${expected}, but the tests are running on ${runtime}`);
