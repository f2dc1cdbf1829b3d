/**
 * A worker that says why it stopped (Go's WithCancelCause).
 *
 * Three independent sources can stop the worker: its parent context, its
 * own time budget, and a "quit" AbortSignal (the user pressing quit). Each
 * leaves a distinct `cause(ctx)`, while `ctx.err()` stays the generic
 * `Canceled` / `DeadlineExceeded`:
 *
 * - quit: the worker's listener calls `cancel(ErrUserQuit)`;
 * - budget: `withTimeout` fires with cause `DeadlineExceeded`;
 * - parent: the parent's cancellation reaches the worker with the parent's
 *   own cause (here the server's "shutting down" error).
 *
 * No watcher on the parent is needed, or could work: cancellation reaches
 * the child synchronously inside the parent's cancel, so the parent's cause
 * is already recorded (first cancellation wins) before any watcher could run.
 *
 * Run: npm run build && npx tsx examples/cause-aware-worker.ts
 */
import {
  type Context,
  DeadlineExceeded,
  background,
  cause,
  isCanceled,
  sleep,
  withCancelCause,
  withTimeout,
} from 'ctxkit';

const ErrUserQuit = new Error('user pressed quit');
const ErrShutdown = new Error('parent cancelled: server shutting down');

/** Works in 10 ms steps until done (1 s) or stopped; resolves to the reason it stopped. */
async function runWorker(parent: Context, quit: AbortSignal, budgetMs: number): Promise<unknown> {
  const [cctx, cancel] = withCancelCause(parent);
  const [ctx, cancelBudget] = withTimeout(cctx, budgetMs);
  // The listener goes away by itself once ctx is cancelled, by any path.
  quit.addEventListener('abort', () => cancel(ErrUserQuit), { once: true, signal: ctx.signal });
  try {
    for (let step = 0; step < 100; step++) await sleep(ctx, 10);
    return 'finished';
  } catch (err) {
    if (err !== ctx.err()) throw err; // not a cancellation: a real failure
    const why = cause(ctx);
    console.log(`  worker stopped: err=${(err as Error).message} | cause=${(why as Error).message}`);
    return why;
  } finally {
    cancelBudget();
    cancel(); // no-op if already cancelled: the first cause stays
  }
}

function after(ms: number, f: () => void): void {
  setTimeout(f, ms);
}

// 1. The user presses quit after 20 ms.
{
  console.log('scenario: quit');
  const quit = new AbortController();
  after(20, () => quit.abort());
  const why = await runWorker(background(), quit.signal, 5_000);
  console.log('  cause === ErrUserQuit:', why === ErrUserQuit);
}

// 2. The budget (30 ms) runs out before the work (1 s) is done.
{
  console.log('scenario: budget');
  const why = await runWorker(background(), new AbortController().signal, 30);
  console.log('  cause === DeadlineExceeded:', why === DeadlineExceeded);
}

// 3. The parent is cancelled, with its own cause, after 20 ms.
{
  console.log('scenario: parent');
  const [server, stopServer] = withCancelCause(background());
  after(20, () => stopServer(ErrShutdown));
  const why = await runWorker(server, new AbortController().signal, 5_000);
  console.log('  cause === cause(parent):', why === cause(server), '| isCanceled(server.err()):', isCanceled(server.err()));
}

// Output:
// scenario: quit
//   worker stopped: err=context canceled | cause=user pressed quit
//   cause === ErrUserQuit: true
// scenario: budget
//   worker stopped: err=context deadline exceeded | cause=context deadline exceeded
//   cause === DeadlineExceeded: true
// scenario: parent
//   worker stopped: err=context canceled | cause=parent cancelled: server shutting down
//   cause === cause(parent): true | isCanceled(server.err()): true
