/**
 * The published package as users load it: ESM and
 * CommonJS entry points of the built dist, through the exports map, in a
 * plain Node process. Both entry points of one format must share one copy
 * of the core, or ctxkit/sync would take ctxkit's own contexts for
 * user-written ones.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_AND_SYNC_OUTPUT, coreAndSyncProgram, runNode } from '../harness/load-package.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

describe('the built package', () => {
  it('exists (npm run build first)', () => {
    expect(existsSync(DIST)).toBe(true);
  });

  it('loads as ESM, and ctxkit/sync shares the core with ctxkit', async () => {
    const out = await runNode([
      '--input-type=module',
      '-e',
      coreAndSyncProgram(`const core = await import('ctxkit'); const sync = await import('ctxkit/sync');`),
    ], ROOT);
    expect(out.split('\n')).toEqual(CORE_AND_SYNC_OUTPUT);
  });

  it('loads as CommonJS, and ctxkit/sync shares the core with ctxkit', async () => {
    const out = await runNode([
      '--input-type=commonjs',
      '-e',
      coreAndSyncProgram(`const core = require('ctxkit'); const sync = require('ctxkit/sync');`),
    ], ROOT);
    expect(out.split('\n')).toEqual(CORE_AND_SYNC_OUTPUT);
  });
});
