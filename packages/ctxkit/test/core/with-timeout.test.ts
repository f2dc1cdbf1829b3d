import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Canceled, DeadlineExceeded, background, cause, withCancel, withTimeout, withTimeoutCause } from '../../src/index.js';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('sets the deadline ms from now and fires then with DeadlineExceeded', () => {
    const [ctx, cancel] = withTimeout(background(), 250);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 250);
    vi.advanceTimersByTime(249);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(DeadlineExceeded);
    cancel();
  });

  it('reads the clock when called, not at import', () => {
    vi.setSystemTime(T0 + 60_000);
    const [ctx, cancel] = withTimeout(background(), 10);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 60_010);
    cancel();
  });

  it('cancelled by hand before the timeout reports Canceled and removes its timer', () => {
    const before = vi.getTimerCount();
    const [ctx, cancel] = withTimeout(background(), 1_000);
    expect(vi.getTimerCount()).toBe(before + 1);
    vi.advanceTimersByTime(500);
    cancel();
    expect(vi.getTimerCount()).toBe(before);
    expect(ctx.err()).toBe(Canceled);
    vi.advanceTimersByTime(1_000);
    expect(ctx.err()).toBe(Canceled);
  });

  it('with Infinity has no deadline of its own and arms no timer', () => {
    const [ctx, cancel] = withTimeout(background(), Infinity);
    expect(ctx.deadline()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    expect(ctx.err()).toBeUndefined();
    expect(String(ctx)).toBe('context.Background.WithCancel');
    cancel();
    expect(ctx.err()).toBe(Canceled);
  });

  it('with a timeout past the range of Date has no deadline of its own', () => {
    const [ctx, cancel] = withTimeout(background(), 8.64e15);
    expect(ctx.deadline()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  it.each([0, -1, -1e9, -Infinity])('with %s ms is already expired (not an error)', (ms) => {
    const [ctx, cancel] = withTimeout(background(), ms);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(DeadlineExceeded);
    expect(ctx.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  it('does not fire early for a timeout beyond 2^31-1 ms', () => {
    const ms = 2 ** 31 + 1_000;
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const [ctx, cancel] = withTimeout(background(), ms);
    expect(setTimeoutSpy.mock.calls.map((c) => c[1])).toEqual([2 ** 31 - 1]);
    setTimeoutSpy.mockRestore();
    vi.advanceTimersByTime(2 ** 31);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(999);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  it('accepts a fractional timeout', () => {
    const [ctx, cancel] = withTimeout(background(), 1.5);
    vi.advanceTimersByTime(2);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  it("below a parent timing out sooner is cancelled by the parent's deadline", () => {
    const [parent, cancelParent] = withTimeout(background(), 10);
    const [ctx, cancel] = withTimeout(parent, 1_000);
    expect(ctx.deadline()?.getTime()).toBe(T0 + 10);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
    cancelParent();
  });

  it('a child timing out does not cancel its parent', () => {
    const [parent, cancelParent] = withCancel(background());
    const [ctx, cancel] = withTimeout(parent, 10);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(parent.err()).toBeUndefined();
    cancel();
    cancelParent();
  });
});

describe('withTimeoutCause', () => {
  it('fires with DeadlineExceeded and the given cause', () => {
    const why = new Error('slow upstream');
    const [ctx, cancel] = withTimeoutCause(background(), 5, why);
    vi.advanceTimersByTime(5);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(why);
    cancel();
  });

  it('with a negative timeout is born expired with the given cause', () => {
    const why = new Error('no budget');
    const [ctx, cancel] = withTimeoutCause(background(), -5, why);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(why);
    cancel();
  });

  it('with Infinity never fires, so its cause is never used', () => {
    const [ctx, cancel] = withTimeoutCause(background(), Infinity, new Error('unused'));
    expect(vi.getTimerCount()).toBe(0);
    cancel();
    expect(cause(ctx)).toBe(Canceled);
  });
});
