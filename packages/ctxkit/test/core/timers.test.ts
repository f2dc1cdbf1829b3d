/**
 * Which timers keep the process alive (white-box, real Node timers): a
 * pending deadline alone does not; done(), race() and sleep() waiting on a
 * context do, until its deadline; sleep() for its own duration too.
 */
import { describe, expect, it } from 'vitest';
import { type Context, background, done, race, sleep, withCancel, withDeadline, withTimeout } from '../../src/index.js';
import { TimerCtx } from '../../src/core/with-deadline.js';
import type { Waiter } from '../../src/core/waiter.js';
import { cc, watchers } from './fixtures.js';
import { isBrowser } from '../harness/runtime.js';

type NodeTimer = { hasRef(): boolean };

// A browser page has no process to keep alive, and its timer handles are
// plain numbers without ref()/unref(). Real processes on Node, Bun and Deno:
// test/runtime/lifetime.test.ts.
const withProcess = it.skipIf(isBrowser);

function ownTimer(ctx: Context): NodeTimer {
  if (!(ctx instanceof TimerCtx)) throw new Error('not a TimerCtx');
  return ctx._timer as NodeTimer;
}

/** The first watcher of `ctx`: the Waiter of a pending done/race/sleep. */
function waiter(ctx: Context): Waiter {
  const l = cc(ctx)._links!;
  return l._fnext as unknown as Waiter;
}

describe('timers and process lifetime', () => {
  withProcess("does not let a pending deadline's own timer keep the process alive", () => {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    expect(ownTimer(ctx).hasRef()).toBe(false);
    cancel();
    expect((ctx as TimerCtx)._timer).toBeUndefined();
  });

  withProcess('does not let a chained far-deadline timer keep the process alive either', () => {
    const [ctx, cancel] = withDeadline(background(), Date.now() + 2 ** 33);
    expect(ownTimer(ctx).hasRef()).toBe(false);
    cancel();
  });

  withProcess.each([
    ['done', (ctx: Context) => done(ctx)],
    ['race', (ctx: Context) => race(ctx, new Promise<never>(() => {}))],
    ['sleep(Infinity)', (ctx: Context) => sleep(ctx, Infinity)],
  ])('keeps the process alive while %s waits on a context with a deadline, and lets go when it settles', async (_name, wait) => {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const p = wait(ctx);
    p.catch(() => {});
    const w = waiter(ctx);
    expect(w._hold).toBeDefined();
    expect((w._hold!._timer as NodeTimer).hasRef()).toBe(true);
    cancel();
    await p.then(
      () => {},
      () => {},
    );
    expect(w._hold).toBeUndefined();
    expect(watchers(ctx)).toBe(0);
  });

  it('holds nothing while waiting on a context without a deadline', () => {
    const [ctx, cancel] = withCancel(background());
    const p = done(ctx);
    expect(waiter(ctx)._hold).toBeUndefined();
    cancel();
    return p;
  });

  withProcess('keeps the process alive for the duration of a sleep', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = sleep(ctx, 60_000);
    const w = waiter(ctx);
    expect((w._timer as NodeTimer).hasRef()).toBe(true);
    cancel();
    await expect(p).rejects.toBeDefined();
    expect(w._timer).toBeUndefined();
  });
});
