import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Context, Canceled, DeadlineExceeded, afterFunc, background, withCancel, withCancelCause, withTimeout, withValue } from '../../src/index.js';
import { cc, collectUnhandled, flush, watchers } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('afterFunc', () => {
  it('runs f once, after cancel() has returned, in a later microtask', async () => {
    const [ctx, cancel] = withCancel(background());
    const f = vi.fn();
    afterFunc(ctx, f);
    expect(f).not.toHaveBeenCalled();
    cancel();
    expect(f).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(f).toHaveBeenCalledTimes(1);
    cancel();
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('sees the context cancelled when f runs', async () => {
    const [ctx, cancel] = withCancelCause(background());
    let seen: Error | undefined;
    afterFunc(ctx, () => (seen = ctx.err()));
    cancel(new Error('x'));
    await flush();
    expect(seen).toBe(Canceled);
  });

  it('queues f at once on an already-cancelled context, never inside afterFunc()', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const f = vi.fn();
    const stop = afterFunc(ctx, f);
    expect(f).not.toHaveBeenCalled();
    expect(stop()).toBe(false);
    await Promise.resolve();
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('stop() before cancellation returns true and f never runs; a second stop() returns false', async () => {
    const [ctx, cancel] = withCancel(background());
    const f = vi.fn();
    const stop = afterFunc(ctx, f);
    expect(stop()).toBe(true);
    expect(stop()).toBe(false);
    cancel();
    await flush();
    expect(f).not.toHaveBeenCalled();
  });

  it('stop() after cancel() returns false even before f has run, and f still runs', async () => {
    const [ctx, cancel] = withCancel(background());
    const f = vi.fn();
    const stop = afterFunc(ctx, f);
    cancel();
    expect(stop()).toBe(false);
    expect(f).not.toHaveBeenCalled();
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
    expect(stop()).toBe(false);
  });

  it('stop() called from an abort listener of the same cancellation returns false and f still runs', async () => {
    const [ctx, cancel] = withCancel(background());
    const f = vi.fn();
    const stop = afterFunc(ctx, f);
    let stopped: boolean | undefined;
    ctx.signal.addEventListener('abort', () => (stopped = stop()));
    cancel();
    expect(stopped).toBe(false);
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('stop() from an ancestor cancellation in flight returns false (f is committed)', async () => {
    const [root, cancelRoot] = withCancel(background());
    const [child] = withCancel(root);
    const f = vi.fn();
    const stop = afterFunc(child, f);
    let stopped: boolean | undefined;
    // root's signal aborts before child's callbacks are queued: by then child is cancelled.
    root.signal.addEventListener('abort', () => (stopped = stop()));
    cancelRoot();
    expect(stopped).toBe(false);
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('exactly one of "f runs" and "stop() returns true" happens, whatever the interleaving', async () => {
    for (const stopFirst of [true, false]) {
      const [ctx, cancel] = withCancel(background());
      const f = vi.fn();
      const stop = afterFunc(ctx, f);
      let stopped = false;
      if (stopFirst) stopped = stop();
      cancel();
      if (!stopFirst) stopped = stop();
      await flush();
      expect(Number(stopped) + f.mock.calls.length).toBe(1);
    }
  });

  it('removes its registration from the context on stop()', () => {
    const [ctx, cancel] = withCancel(background());
    const stops = [afterFunc(ctx, () => {}), afterFunc(ctx, () => {}), afterFunc(ctx, () => {})];
    expect(watchers(ctx)).toBe(3);
    stops[1]!();
    expect(watchers(ctx)).toBe(2);
    stops[0]!();
    stops[2]!();
    expect(watchers(ctx)).toBe(0);
    cancel();
    expect(cc(ctx)._links).toBeUndefined();
  });

  it('drops every registration once the context is cancelled', () => {
    const [ctx, cancel] = withCancel(background());
    afterFunc(ctx, () => {});
    afterFunc(withValue(ctx, 'k', 1), () => {});
    expect(watchers(ctx)).toBe(2);
    cancel();
    expect(cc(ctx)._links).toBeUndefined();
  });

  it('on background never runs, and stop() returns true', async () => {
    const f = vi.fn();
    const stop = afterFunc(background(), f);
    await flush();
    expect(f).not.toHaveBeenCalled();
    expect(stop()).toBe(true);
    expect(stop()).toBe(false);
  });

  it('runs at the deadline of a timed context', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 100);
    let seen: Error | undefined;
    afterFunc(ctx, () => (seen = ctx.err()));
    vi.advanceTimersByTime(99);
    await flush();
    expect(seen).toBeUndefined();
    vi.advanceTimersByTime(1);
    await flush();
    expect(seen).toBe(DeadlineExceeded);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps registration order on one context for a callback registered from an abort listener during the cancellation', async () => {
    const [ctx, cancel] = withCancel(background());
    const order: string[] = [];
    afterFunc(ctx, () => order.push('f1'));
    ctx.signal.addEventListener('abort', () => {
      afterFunc(ctx, () => order.push('f2'));
    });
    cancel();
    await flush();
    expect(order).toEqual(['f1', 'f2']);
  });

  it('keeps registration order on a descendant when an ancestor’s abort listener registers on it', async () => {
    const [root, cancel] = withCancel(background());
    const [child] = withCancel(root);
    const order: string[] = [];
    afterFunc(child, () => order.push('child#1'));
    root.signal.addEventListener('abort', () => {
      afterFunc(child, () => order.push('child#2'));
    });
    cancel();
    await flush();
    expect(order).toEqual(['child#1', 'child#2']);
  });

  it('runs callbacks ancestor first, depth-first in derivation order, and in registration order on one context', async () => {
    const [root, cancelRoot] = withCancel(background());
    const [a] = withCancel(root);
    const [b] = withCancel(root);
    const [a1] = withCancel(withValue(a, 'k', 1));
    const [b1] = withCancel(b);
    const [a2] = withCancel(a);
    const order: string[] = [];
    const on = (ctx: Context, name: string) => afterFunc(ctx, () => order.push(name));
    on(b1, 'b1');
    on(a2, 'a2');
    on(root, 'root#1');
    on(b, 'b');
    on(a1, 'a1');
    on(a, 'a#1');
    on(root, 'root#2');
    on(withValue(a, 'x', 2), 'a#2');
    cancelRoot();
    await flush();
    expect(order).toEqual(['root#1', 'root#2', 'a#1', 'a#2', 'a1', 'a2', 'b', 'b1']);
  });

  it('runs every callback only after every signal of the cancellation has aborted', async () => {
    const [root, cancelRoot] = withCancel(background());
    const [child] = withCancel(root);
    const log: string[] = [];
    afterFunc(root, () => log.push('f(root)'));
    root.signal.addEventListener('abort', () => log.push('abort(root)'));
    child.signal.addEventListener('abort', () => log.push('abort(child)'));
    cancelRoot();
    log.push('cancel returned');
    await flush();
    expect(log).toEqual(['abort(root)', 'abort(child)', 'cancel returned', 'f(root)']);
  });

  it('reports an exception thrown by f as unhandled and still runs the other callbacks', async () => {
    const boom = new Error('boom');
    const [ctx, cancel] = withCancel(background());
    const ran: string[] = [];
    afterFunc(ctx, () => ran.push('first'));
    afterFunc(ctx, () => {
      ran.push('thrower');
      throw boom;
    });
    afterFunc(ctx, () => ran.push('last'));
    const reported = await collectUnhandled(1, () => {
      cancel();
    });
    expect(reported).toEqual([boom]);
    expect(ran).toEqual(['first', 'thrower', 'last']);
  });

  it('is not held back by fake timers that fake queueMicrotask', async () => {
    vi.useFakeTimers({ toFake: ['queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const [ctx, cancel] = withCancel(background());
    const f = vi.fn();
    afterFunc(ctx, f);
    // queueMicrotask is really faked: its jobs wait for the fake clock.
    const probe = vi.fn();
    queueMicrotask(probe);
    cancel();
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
    expect(probe).not.toHaveBeenCalled();
    vi.runAllTicks();
    expect(probe).toHaveBeenCalledTimes(1);

    const [timed, cancelTimed] = withTimeout(background(), 50);
    const g = vi.fn();
    afterFunc(timed, g);
    vi.advanceTimersByTime(50);
    await flush();
    expect(g).toHaveBeenCalledTimes(1);
    cancelTimed();
    expect(vi.getTimerCount()).toBe(0);
  });
});
