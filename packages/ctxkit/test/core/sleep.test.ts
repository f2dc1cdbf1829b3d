import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Canceled, DeadlineExceeded, background, sleep, withCancel, withCancelCause, withTimeout, withValue } from '../../src/index.js';
import { UserCtx, cc, flush, probeListeners, state, watchers } from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('sleep', () => {
  it('resolves after ms, not before, and leaves nothing behind', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = sleep(ctx, 100);
    expect(watchers(ctx)).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(await state(p)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await state(p)).toBe('fulfilled');
    expect(watchers(ctx)).toBe(0);
    cancel();
  });

  it('on background resolves after ms', async () => {
    const p = sleep(background(), 10);
    await vi.advanceTimersByTimeAsync(10);
    await expect(p).resolves.toBeUndefined();
  });

  it('rejects with ctx.err() as soon as ctx is cancelled, clearing its timer', async () => {
    const [ctx, cancel] = withCancelCause(background());
    const p = sleep(withValue(ctx, 'k', 1), 1_000);
    expect(vi.getTimerCount()).toBe(1);
    cancel(new Error('cause, not err'));
    expect(vi.getTimerCount()).toBe(0);
    await expect(p).rejects.toBe(Canceled);
  });

  it("rejects with DeadlineExceeded when ctx's deadline comes first", async () => {
    const [ctx, cancel] = withTimeout(background(), 50);
    const p = sleep(ctx, 1_000);
    const settled = expect(p).rejects.toBe(DeadlineExceeded);
    await vi.advanceTimersByTimeAsync(50);
    await settled;
    cancel();
  });

  it('on an already-cancelled ctx rejects at once, even for 0 ms, arming nothing', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const p = sleep(ctx, 0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await state(p)).toBe('rejected');
    await expect(p).rejects.toBe(Canceled);
    await expect(sleep(ctx, Infinity)).rejects.toBe(Canceled);
  });

  it.each([0, -5, -Infinity])('with %s ms resolves on the next turn, not within the current one', async (ms) => {
    const p = sleep(background(), ms);
    await flush();
    expect(await state(p)).toBe('pending');
    await vi.advanceTimersByTimeAsync(0);
    expect(await state(p)).toBe('fulfilled');
  });

  it('with Infinity waits for ctx alone, with no timer of its own', async () => {
    const [ctx, cancel] = withCancel(background());
    const p = sleep(ctx, Infinity);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1e9);
    expect(await state(p)).toBe('pending');
    cancel();
    await expect(p).rejects.toBe(Canceled);
    expect(watchers(ctx)).toBe(0);
  });

  it("with Infinity on a ctx with a deadline rejects at the deadline, keeping the process alive until then", async () => {
    const [ctx, cancel] = withTimeout(background(), 100);
    const p = sleep(ctx, Infinity);
    // the context's own timer (unref'd) and the hold of the pending sleep
    expect(vi.getTimerCount()).toBe(2);
    const settled = expect(p).rejects.toBe(DeadlineExceeded);
    await vi.advanceTimersByTimeAsync(100);
    await settled;
    cancel();
  });

  it('does not resolve early for a delay beyond 2^31-1 ms', async () => {
    const ms = 2 ** 31 + 10;
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const p = sleep(background(), ms);
    expect(setTimeoutSpy.mock.calls.map((c) => c[1])).toEqual([2 ** 31 - 1]);
    setTimeoutSpy.mockRestore();
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(await state(p)).toBe('pending');
    await vi.advanceTimersByTimeAsync(9);
    expect(await state(p)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await state(p)).toBe('fulfilled');
  });

  it('removes its registration from a user-written ctx when it resolves', async () => {
    const parent = new UserCtx();
    const probe = probeListeners(parent._ac.signal);
    const p = sleep(parent, 10);
    expect(probe.active()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(probe.active()).toBe(0);
  });

  it("rejects with a user-written ctx's own err", async () => {
    const parent = new UserCtx();
    const p = sleep(parent, 1_000);
    const err = new Error('user');
    parent.cancel(err);
    await expect(p).rejects.toBe(err);
  });

  it('leaves the context exactly as it found it after many sleeps', async () => {
    const [ctx, cancel] = withCancel(background());
    const ps = Array.from({ length: 100 }, (_, i) => sleep(ctx, i));
    expect(watchers(ctx)).toBe(100);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(ps);
    expect(watchers(ctx)).toBe(0);
    cancel();
    expect(cc(ctx)._links).toBeUndefined();
  });
});
