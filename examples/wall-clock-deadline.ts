/**
 * Deadlines at a wall-clock instant (Go's WithDeadline).
 *
 * Schedulers and end-of-window jobs think in instants ("done by 17:00 UTC"),
 * not durations. `withDeadline(parent, date)` takes the instant directly
 * (a Date or epoch ms). Three behaviours to rely on:
 *
 * 1. it fires with `DeadlineExceeded` when the instant passes;
 * 2. an instant already in the past gives a context that is cancelled
 *    before `withDeadline` returns — no timer, no wait;
 * 3. a parent with a tighter deadline wins: the child reports the parent's
 *    deadline and is a plain cancel context (no timer of its own).
 *
 * Run: npm run build && npx tsx examples/wall-clock-deadline.ts
 */
import { type CancelFunc, type Context, DeadlineExceeded, background, done, withDeadline } from 'ctxkit';

/** A named alternative to withTimeout for call sites that think in instants. */
function withDeadlineAt(parent: Context, at: Date): [Context, CancelFunc] {
  return withDeadline(parent, at);
}

/** Descriptions include the remaining time, which differs run to run. */
function describe(ctx: Context): string {
  return String(ctx).replace(/ \[[^\]]*\]/g, ' [<remaining>]');
}

// 1. An instant 40 ms from now.
{
  const at = new Date(Date.now() + 40);
  const [ctx, cancel] = withDeadlineAt(background(), at);
  const d1 = ctx.deadline()!;
  const d2 = ctx.deadline()!;
  console.log('1. deadline() is the instant given:', d1.getTime() === at.getTime(), '| a fresh copy each call:', d1 !== d2);
  console.log('   before it passes, err():', ctx.err());
  await done(ctx);
  console.log('   after it passes, err():', String(ctx.err()), '| === DeadlineExceeded:', ctx.err() === DeadlineExceeded);
  cancel();
}

// 2. An instant an hour ago: already cancelled when withDeadline returns.
{
  const [ctx, cancel] = withDeadlineAt(background(), new Date(Date.now() - 3_600_000));
  console.log('2. past deadline, immediately: err():', String(ctx.err()));
  console.log('   signal.aborted:', ctx.signal.aborted, '| signal.reason === err():', ctx.signal.reason === ctx.err());
  cancel();
}

// 3. The parent must finish by 17:00 UTC on 1 January 2100.
{
  const [parent, cancelParent] = withDeadlineAt(background(), new Date('2100-01-01T17:00:00Z'));

  // The child asks for a day more: the parent's deadline is what it gets.
  const [later, cancelLater] = withDeadlineAt(parent, new Date('2100-01-02T17:00:00Z'));
  console.log('3. child asking for later, deadline():', later.deadline()!.toISOString());
  console.log('   described as', describe(later));

  // A child asking for earlier gets its own deadline and its own timer.
  const [earlier, cancelEarlier] = withDeadlineAt(parent, new Date('2100-01-01T16:00:00Z'));
  console.log('   child asking for earlier, deadline():', earlier.deadline()!.toISOString());
  console.log('   described as', describe(earlier));

  // Either way, the parent's cancellation still reaches both.
  cancelParent();
  console.log('   after the parent is cancelled:', String(later.err()), '/', String(earlier.err()));
  cancelLater();
  cancelEarlier();
}

// Output:
// 1. deadline() is the instant given: true | a fresh copy each call: true
//    before it passes, err(): undefined
//    after it passes, err(): TimeoutError: context deadline exceeded | === DeadlineExceeded: true
// 2. past deadline, immediately: err(): TimeoutError: context deadline exceeded
//    signal.aborted: true | signal.reason === err(): true
// 3. child asking for later, deadline(): 2100-01-01T17:00:00.000Z
//    described as context.Background.WithDeadline(2100-01-01T17:00:00.000Z [<remaining>]).WithCancel
//    child asking for earlier, deadline(): 2100-01-01T16:00:00.000Z
//    described as context.Background.WithDeadline(2100-01-01T17:00:00.000Z [<remaining>]).WithDeadline(2100-01-01T16:00:00.000Z [<remaining>])
//    after the parent is cancelled: AbortError: context canceled / AbortError: context canceled
