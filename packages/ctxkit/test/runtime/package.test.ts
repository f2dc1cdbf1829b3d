/**
 * The published package as users load it: ESM and
 * CommonJS entry points of the built dist, through the exports map, in a
 * plain Node process. Both entry points of one format must share one copy
 * of the core, or ctxkit/sync would take ctxkit's own contexts for
 * user-written ones.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

const program = (load: string) => `
${load}
const [ctx, cancel] = core.withCancelCause(core.withValue(core.background(), core.createKey('rid'), 'r-1'));
const [g, gctx] = sync.Group.withContext(ctx);
g.go(() => { throw new Error('boom'); });
g.wait().catch((e) => {
  console.log(String(gctx));
  console.log(e.message, core.cause(gctx) === e, gctx.err() === core.Canceled, ctx.err() === undefined);
  cancel();
  console.log(typeof cancel[Symbol.dispose], ctx.signal.reason === core.Canceled);
});
`;

describe('the built package', () => {
  it('exists (npm run build first)', () => {
    expect(existsSync(DIST)).toBe(true);
  });

  it('loads as ESM, and ctxkit/sync shares the core with ctxkit', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      program(`const core = await import('ctxkit'); const sync = await import('ctxkit/sync');`),
    ]);
    expect(out.split('\n')).toEqual([
      'context.Background.WithValue(rid, r-1).WithCancel.WithCancel',
      'boom true true true',
      'function true',
    ]);
  });

  it('loads as CommonJS, and ctxkit/sync shares the core with ctxkit', async () => {
    const out = await node([
      '--input-type=commonjs',
      '-e',
      program(`const core = require('ctxkit'); const sync = require('ctxkit/sync');`),
    ]);
    expect(out.split('\n')).toEqual([
      'context.Background.WithValue(rid, r-1).WithCancel.WithCancel',
      'boom true true true',
      'function true',
    ]);
  });
});
