import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Canceled,
  afterFunc,
  background,
  cause,
  createKey,
  done,
  withCancel,
  withCancelCause,
  withDeadline,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { UserCtx, children, flush, isLinked, state } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('withoutCancel', () => {
  it("passes the parent's values through", () => {
    const k = createKey<string>('user');
    const [parent, cancel] = withCancel(withValue(background(), k, 'ann'));
    const ctx = withoutCancel(withValue(parent, 'plain', 42));
    expect(ctx.value(k)).toBe('ann');
    expect(ctx.value('plain')).toBe(42);
    expect(ctx.value('missing')).toBeUndefined();
    cancel();
    expect(ctx.value(k)).toBe('ann');
  });

  it('is never cancelled when its parent is, and its cause stays undefined', () => {
    const [parent, cancel] = withCancelCause(background());
    const ctx = withoutCancel(parent);
    const sig = ctx.signal;
    cancel(new Error('request over'));
    expect(ctx.err()).toBeUndefined();
    expect(cause(ctx)).toBeUndefined();
    expect(sig.aborted).toBe(false);
  });

  it('is live even when derived from an already-cancelled parent', () => {
    const [parent, cancel] = withCancel(background());
    cancel();
    const ctx = withoutCancel(parent);
    expect(ctx.err()).toBeUndefined();
    expect(ctx.signal.aborted).toBe(false);
    expect(withCancel(ctx)[0].err()).toBeUndefined();
  });

  it("has no deadline even below a parent's deadline", () => {
    vi.useFakeTimers();
    const [parent, cancel] = withTimeout(background(), 10);
    const ctx = withoutCancel(parent);
    expect(ctx.deadline()).toBeUndefined();
    const [child, cancelChild] = withCancel(ctx);
    expect(child.deadline()).toBeUndefined();
    vi.advanceTimersByTime(10);
    expect(parent.err()).toBeDefined();
    expect(child.err()).toBeUndefined();
    cancelChild();
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives children that the parent does not cancel and that are linked nowhere above it', () => {
    const [parent, cancel] = withCancel(background());
    const [child, cancelChild] = withCancel(withoutCancel(parent));
    expect(isLinked(child)).toBe(false);
    expect(children(parent)).toEqual([]);
    cancel();
    expect(child.err()).toBeUndefined();
    cancelChild();
    expect(child.err()).toBe(Canceled);
  });

  it('lets a child set a deadline of its own later than the cut-off parent deadline', () => {
    vi.useFakeTimers({ now: 0 });
    const [parent, cancel] = withDeadline(background(), 10);
    const [child, cancelChild] = withDeadline(withoutCancel(parent), 100);
    expect(child.deadline()?.getTime()).toBe(100);
    vi.advanceTimersByTime(10);
    expect(child.err()).toBeUndefined();
    cancelChild();
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never runs afterFunc callbacks, and stop() reports it prevented them', async () => {
    const [parent, cancel] = withCancel(background());
    const ctx = withoutCancel(parent);
    const f = vi.fn();
    const stop = afterFunc(ctx, f);
    cancel();
    await flush();
    expect(f).not.toHaveBeenCalled();
    expect(stop()).toBe(true);
  });

  it('never resolves done()', async () => {
    const [parent, cancel] = withCancel(background());
    const ctx = withoutCancel(parent);
    const p = done(ctx);
    cancel();
    expect(await state(p)).toBe('pending');
  });

  it('gives each context its own never-aborting signal, the same on every read', () => {
    const a = withoutCancel(background());
    const b = withoutCancel(background());
    expect(a.signal).toBe(a.signal);
    expect(a.signal).not.toBe(b.signal);
    expect(a.signal.aborted).toBe(false);
  });

  it("hides the parent's cancellation from cause() of a user-written context delegating value() to it", () => {
    const [parent, cancel] = withCancelCause(background());
    cancel(new Error('parent cause'));
    const detached = withValue(withoutCancel(parent), 'k', 1);
    class Delegating extends UserCtx {
      override value(key: unknown): any {
        return detached.value(key);
      }
    }
    const user = new Delegating();
    const own = new Error('own err');
    user.cancel(own);
    expect(user.value('k')).toBe(1);
    expect(cause(user)).toBe(own);
  });

  it('describes itself as .WithoutCancel', () => {
    const [parent, cancel] = withCancel(background());
    expect(String(withoutCancel(parent))).toBe('context.Background.WithCancel.WithoutCancel');
    cancel();
  });
});
