/**
 * Cleanup tied to a context (Go's AfterFunc).
 *
 * `openTempDir(ctx)` creates a real temporary directory and registers an
 * `afterFunc` that removes it when `ctx` ends — by manual cancel, by
 * timeout, or through its parent. The returned `stop` opts out: it returns
 * true if it prevented the cleanup (keep the directory when the work
 * succeeded), false if the cleanup was already committed.
 *
 * `afterFunc` runs its function once, in a microtask after the
 * cancellation (Go runs it in its own goroutine), never inside `cancel()`.
 *
 * Run: npm run build && npx tsx examples/temp-dir-cleanup.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context, afterFunc, background, done, withCancel, withTimeout } from 'ctxkit';

interface TempDir {
  path: string;
  /** Prevents the cleanup; true if it did. */
  stop: () => boolean;
  /** Settles once the cleanup has run (pending forever if it never runs). */
  removed: Promise<void>;
}

function openTempDir(ctx: Context): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'ctxkit-example-'));
  let markRemoved!: () => void;
  const removed = new Promise<void>((r) => (markRemoved = r));
  const stop = afterFunc(ctx, () => {
    // rm with force is idempotent; a failure here would be reported as an
    // unhandled rejection, never swallowed.
    void rm(path, { recursive: true, force: true }).then(markRemoved);
  });
  return { path, stop, removed };
}

// (a) The work is abandoned: cancelling the parent removes the directory.
{
  const [parent, cancelParent] = withCancel(background());
  const [ctx, cancel] = withCancel(parent);
  const dir = openTempDir(ctx);
  console.log('(a) created, exists:', existsSync(dir.path));
  cancelParent();
  console.log('    right after cancel() (cleanup is queued, not run inside cancel):', existsSync(dir.path));
  await dir.removed;
  console.log('    after the cleanup ran, exists:', existsSync(dir.path));
  console.log('    stop() afterwards:', dir.stop(), '(already committed)');
  cancel();
}

// (b) The work succeeds and keeps its directory: stop() before the end.
{
  const [ctx, cancel] = withCancel(background());
  const dir = openTempDir(ctx);
  console.log('(b) work finished; stop():', dir.stop());
  cancel();
  await done(ctx);
  await new Promise((r) => setImmediate(r)); // give a (wrongly) queued cleanup every chance
  console.log('    after cancel, exists:', existsSync(dir.path));
  console.log('    stop() again:', dir.stop());
  rmSync(dir.path, { recursive: true }); // the demo tidies up after itself
}

// (c) A timeout ends the context: cleanup runs when the deadline passes.
{
  const [ctx, cancel] = withTimeout(background(), 30);
  const dir = openTempDir(ctx);
  // A pending deadline alone does not keep the process alive (its timer is
  // unref'd); done(ctx) does while it waits, as <-ctx.Done() would in Go.
  await done(ctx);
  await dir.removed;
  console.log(`(c) deadline passed (${String(ctx.err())}), exists:`, existsSync(dir.path));
  cancel();
}

// (d) An already-cancelled context: created, then removed straight away.
{
  const [ctx, cancel] = withCancel(background());
  cancel();
  const dir = openTempDir(ctx);
  await dir.removed;
  console.log('(d) opened on a cancelled context, exists:', existsSync(dir.path));
}

// Output:
// (a) created, exists: true
//     right after cancel() (cleanup is queued, not run inside cancel): true
//     after the cleanup ran, exists: false
//     stop() afterwards: false (already committed)
// (b) work finished; stop(): true
//     after cancel, exists: true
//     stop() again: false
// (c) deadline passed (TimeoutError: context deadline exceeded), exists: false
// (d) opened on a cancelled context, exists: false
