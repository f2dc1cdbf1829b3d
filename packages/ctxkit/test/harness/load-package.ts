/**
 * Running the built package in a plain Node process, as users load it: the
 * program the packaging tests run against an install of ctxkit (the
 * repository's dist, or a packed tarball), and what it must print.
 */
import { execFile } from 'node:child_process';

/** Runs `node ...args` in `cwd`; resolves with its trimmed stdout, rejects with its stderr. */
export function runNode(args: string[], cwd: string, timeout = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd, timeout }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/**
 * A program that uses `ctxkit` and `ctxkit/sync` together; `load` binds
 * `core` and `sync` (by import or require). Both entry points must share
 * one core, or ctxkit/sync would take ctxkit's own contexts for
 * user-written ones.
 */
export const coreAndSyncProgram = (load: string): string => `
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

/** What {@link coreAndSyncProgram} prints. */
export const CORE_AND_SYNC_OUTPUT: readonly string[] = [
  'context.Background.WithValue(rid, r-1).WithCancel.WithCancel',
  'boom true true true',
  'function true',
];
