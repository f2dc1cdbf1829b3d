import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Canceled, DeadlineExceeded, background, cause, race, withCancel, withCancelCause, withDeadline, withDeadlineCause, withValue } from '../../src/index.js';
import { TimerCtx } from '../../src/core/with-deadline.js';
import { CancelCtx } from '../../src/core/tree.js';
import { UserCtx, cc, children } from './fixtures.js';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

// Fake timers are installed after ctxkit was imported: ctxkit reads the
// clock and setTimeout at the moment it needs them.
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('withDeadline', () => {
  it('fires with DeadlineExceeded at the deadline, not before', () => {
    const [ctx, cancel] = withDeadline(background(), T0 + 100);
    const sig = ctx.signal;
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(99);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(DeadlineExceeded);
    expect(sig.aborted).toBe(true);
    expect(sig.reason).toBe(DeadlineExceeded);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
    expect(ctx.err()).toBe(DeadlineExceeded);
  });

  it('accepts a Date as well as epoch milliseconds', () => {
    const [ctx, cancel] = withDeadline(background(), new Date(T0 + 50));
    expect(ctx.deadline()?.getTime()).toBe(T0 + 50);
    vi.advanceTimersByTime(50);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  it('cancelled by hand before the deadline reports Canceled and clears its timer', () => {
    const before = vi.getTimerCount();
    const [ctx, cancel] = withDeadline(background(), T0 + 1_000);
    expect(vi.getTimerCount()).toBe(before + 1);
    cancel();
    expect(vi.getTimerCount()).toBe(before);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
    vi.advanceTimersByTime(2_000);
    expect(ctx.err()).toBe(Canceled);
  });

  it("cancelled by its parent takes the parent's err and clears its timer", () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [ctx, cancel] = withDeadline(parent, T0 + 1_000);
    const why = new Error('parent gone');
    cancelParent(why);
    expect(vi.getTimerCount()).toBe(0);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    cancel();
  });

  it('reaches only its subtree when it fires', () => {
    const [parent, cancelParent] = withCancel(background());
    const [ctx, cancel] = withDeadline(parent, T0 + 10);
    const [child] = withCancel(ctx);
    const [sibling, cancelSibling] = withCancel(parent);
    vi.advanceTimersByTime(10);
    expect(child.err()).toBe(DeadlineExceeded);
    expect(cause(child)).toBe(DeadlineExceeded);
    expect(parent.err()).toBeUndefined();
    expect(sibling.err()).toBeUndefined();
    expect(children(parent)).toEqual([sibling]);
    cancel();
    cancelSibling();
    cancelParent();
  });

  it('with a deadline at now is already cancelled with DeadlineExceeded and arms no timer', () => {
    const [ctx, cancel] = withDeadline(background(), T0);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(DeadlineExceeded);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
    expect(ctx.err()).toBe(DeadlineExceeded);
  });

  it('with a past deadline is already cancelled and still reports that deadline', () => {
    const [ctx, cancel] = withDeadline(background(), new Date(T0 - 5_000));
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.deadline()?.getTime()).toBe(T0 - 5_000);
    cancel();
  });

  it('with -Infinity is already expired', () => {
    const [ctx, cancel] = withDeadline(background(), -Infinity);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  it("below a parent with a strictly earlier deadline is a plain cancel context: parent's deadline, no timer, .WithCancel", () => {
    const [parent, cancelParent] = withDeadline(background(), T0 + 100);
    const timers = vi.getTimerCount();
    const [ctx, cancel] = withDeadline(withValue(parent, 'k', 1), T0 + 500);
    expect(vi.getTimerCount()).toBe(timers);
    expect(ctx).toBeInstanceOf(CancelCtx);
    expect(ctx).not.toBeInstanceOf(TimerCtx);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 100);
    expect(String(ctx)).toMatch(/\.WithValue\(k, number\)\.WithCancel$/);
    vi.advanceTimersByTime(100);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
    cancelParent();
  });

  it('below a parent with the same deadline keeps a deadline of its own', () => {
    const [parent, cancelParent] = withDeadline(background(), T0 + 100);
    const [ctx, cancel] = withDeadline(parent, T0 + 100);
    expect(ctx).toBeInstanceOf(TimerCtx);
    expect(vi.getTimerCount()).toBe(2);
    cancel();
    cancelParent();
  });

  it("below a parent with a later deadline uses its own, earlier one", () => {
    const [parent, cancelParent] = withDeadline(background(), T0 + 1_000);
    const [ctx, cancel] = withDeadline(parent, T0 + 10);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 10);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(parent.err()).toBeUndefined();
    cancel();
    cancelParent();
  });

  it("below a user-written parent with an earlier deadline takes the parent's deadline", () => {
    const parent = new UserCtx(T0 + 10);
    const [ctx, cancel] = withDeadline(parent, T0 + 1_000);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 10);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  it('does not fire early for a deadline beyond 2^31-1 ms', () => {
    const far = 2 ** 31 + 5_000;
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const [ctx, cancel] = withDeadline(background(), T0 + far);
    // chained timers, each within setTimeout's range
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    expect(setTimeoutSpy.mock.calls[0]![1]).toBeLessThanOrEqual(2 ** 31 - 1);
    vi.advanceTimersByTime(2 ** 31);
    expect(ctx.err()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(far - 2 ** 31 - 1);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(Date.now()).toBe(T0 + far);
    expect(setTimeoutSpy.mock.calls.every((c) => (c[1] ?? 0) <= 2 ** 31 - 1)).toBe(true);
    setTimeoutSpy.mockRestore();
    cancel();
  });

  it('reads the clock again between the chained timers of a far deadline, so a clock set back postpones it', () => {
    const far = 2 ** 31 + 5_000;
    const [ctx, cancel] = withDeadline(background(), T0 + far);
    vi.advanceTimersByTime(1_000);
    vi.setSystemTime(T0 - 60_000); // pending timers keep their schedule
    vi.advanceTimersByTime(far - 1_000);
    expect(ctx.err()).toBeUndefined();
    expect(Date.now()).toBe(T0 + far - 61_000);
    vi.advanceTimersByTime(60_999);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(Date.now()).toBe(T0 + far);
    cancel();
  });

  it('does not fire before a fractional deadline although setTimeout truncates delays', () => {
    const [ctx, cancel] = withDeadline(background(), T0 + 100.5);
    vi.advanceTimersByTime(100);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  it('cancelled by hand while chaining timers for a far deadline clears the pending one', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const [ctx, cancel] = withDeadline(background(), T0 + 3 * 2 ** 31);
    expect(setTimeoutSpy.mock.calls.map((c) => c[1])).toEqual([2 ** 31 - 1]);
    setTimeoutSpy.mockRestore();
    vi.advanceTimersByTime(2 ** 31);
    expect(vi.getTimerCount()).toBe(1);
    cancel();
    expect(ctx.err()).toBe(Canceled);
  });

  it('treats an instant beyond the range of Date as no deadline of its own', () => {
    for (const d of [8.64e15 + 1, Number.MAX_VALUE, Infinity]) {
      const [ctx, cancel] = withDeadline(background(), d);
      expect(ctx.deadline()).toBeUndefined();
      expect(vi.getTimerCount()).toBe(0);
      expect(String(ctx)).toBe('context.Background.WithCancel');
      cancel();
      expect(ctx.err()).toBe(Canceled);
    }
  });

  it("with no deadline of its own still reports the parent's", () => {
    const [parent, cancelParent] = withDeadline(background(), T0 + 100);
    const [ctx, cancel] = withDeadline(parent, Infinity);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 100);
    cancel();
    cancelParent();
  });

  it('returns a fresh Date of the same instant from every deadline() call', () => {
    const [ctx, cancel] = withDeadline(background(), T0 + 100);
    const a = ctx.deadline()!;
    const b = ctx.deadline()!;
    expect(a).not.toBe(b);
    expect(a.getTime()).toBe(b.getTime());
    a.setTime(0);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 100);
    vi.advanceTimersByTime(100);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 100);
    const v = withValue(ctx, 'k', 1);
    expect(v.deadline()).not.toBe(v.deadline());
    expect(v.deadline()?.getTime()).toBe(T0 + 100);
    cancel();
  });

  it('is not affected by mutating the Date it was given', () => {
    const d = new Date(T0 + 100);
    const [ctx, cancel] = withDeadline(background(), d);
    d.setTime(T0 + 1);
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBeUndefined();
    expect(ctx.deadline()?.getTime()).toBe(T0 + 100);
    cancel();
  });

  it('has its timer armed through the fake clock installed after import', () => {
    const [ctx, cancel] = withDeadline(background(), T0 + 1);
    expect(cc(ctx)._err).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(cc(ctx)._err).toBe(DeadlineExceeded);
    cancel();
  });
});

describe('withDeadlineCause', () => {
  it('fires with DeadlineExceeded and the given cause', () => {
    const why = new Error('budget spent');
    const [ctx, cancel] = withDeadlineCause(background(), T0 + 10, why);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(why);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
    cancel();
  });

  it.each([null, undefined])('fires with cause DeadlineExceeded when the cause is %s', (why) => {
    const [ctx, cancel] = withDeadlineCause(background(), T0 + 10, why);
    vi.advanceTimersByTime(10);
    expect(cause(ctx)).toBe(DeadlineExceeded);
    cancel();
  });

  it('records Canceled, not its cause, when cancelled by hand', () => {
    const [ctx, cancel] = withDeadlineCause(background(), T0 + 10, new Error('unused'));
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(Canceled);
  });

  it('with a past deadline is born expired with the given cause', () => {
    const why = { reason: 'too late' };
    const [ctx, cancel] = withDeadlineCause(background(), T0 - 1, why);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(why);
    cancel();
  });

  it("below a cancelled parent takes the parent's err and cause", () => {
    const [parent, cancelParent] = withCancelCause(background());
    const why = new Error('first');
    cancelParent(why);
    const [ctx, cancel] = withDeadlineCause(parent, T0 + 10, new Error('unused'));
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });
});

describe('the inherited deadline a parent with children remembers', () => {
  it('is the ancestor deadline, so a later timeout below it becomes a plain cancel context', () => {
    const [top, cancelTop] = withDeadline(background(), T0 + 1_000);
    const [mid] = withCancel(withValue(top, 'k', 1));
    const [first] = withCancel(mid); // gives mid its registry (and its cached deadline)
    const [later, cancelLater] = withDeadline(mid, T0 + 5_000);
    expect(later).not.toBeInstanceOf(TimerCtx);
    expect(later.deadline()?.getTime()).toBe(T0 + 1_000);
    expect(first.deadline()?.getTime()).toBe(T0 + 1_000);
    const [earlier, cancelEarlier] = withDeadline(mid, T0 + 500);
    expect(earlier).toBeInstanceOf(TimerCtx);
    expect(earlier.deadline()?.getTime()).toBe(T0 + 500);
    cancelLater();
    cancelEarlier();
    cancelTop();
  });

  it('is "none" below a root, and the parent still reports it after its children are gone', () => {
    const [p, cancelP] = withCancel(background());
    const [c1, cancel1] = withCancel(p);
    expect(c1.deadline()).toBeUndefined();
    const [t, cancelT] = withDeadline(p, T0 + 10);
    expect(t.deadline()?.getTime()).toBe(T0 + 10);
    cancel1();
    cancelT();
    cancelP();
    expect(p.deadline()).toBeUndefined();
  });

  it('is right when the registry was made by a waiter before any child', async () => {
    const [top, cancelTop] = withDeadline(background(), T0 + 1_000);
    const [p, cancelP] = withCancel(top);
    const raced = race(p, Promise.resolve('ok')); // creates p's registry through a watcher
    const [late, cancelLate] = withDeadline(p, T0 + 9_000);
    expect(late.deadline()?.getTime()).toBe(T0 + 1_000);
    await expect(raced).resolves.toBe('ok');
    cancelLate();
    cancelP();
    cancelTop();
  });

  it('makes every level of a 100,000-deep chain report the top deadline, and a tighter timeout at the leaf its own', () => {
    const [top, cancelTop] = withDeadline(background(), T0 + 60_000);
    let ctx = top;
    for (let i = 0; i < 100_000; i++) {
      ctx = withCancel(ctx)[0];
      const [t, cancelT] = withDeadline(ctx, T0 + 3_600_000);
      if (t.deadline()?.getTime() !== T0 + 60_000) throw new Error(`level ${i}: ${String(t.deadline())}`);
      cancelT();
    }
    const [leaf, cancelLeaf] = withDeadline(ctx, T0 + 1_000);
    expect(leaf.deadline()?.getTime()).toBe(T0 + 1_000);
    vi.advanceTimersByTime(1_000);
    expect(leaf.err()).toBe(DeadlineExceeded);
    expect(ctx.err()).toBeUndefined();
    cancelLeaf();
    cancelTop();
    expect(ctx.err()).toBe(Canceled);
  });
});
