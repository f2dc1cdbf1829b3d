/**
 * Fake timers that leave `Date` real (vitest `toFake: ['setTimeout',
 * 'clearTimeout']`, jest `doNotFake: ['Date']`): the clock does not move
 * when fake time is advanced, so a deadline timer within setTimeout's range
 * is trusted when it fires; only the chained timers of longer deadlines
 * read the clock again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Context,
  DeadlineExceeded,
  background,
  cause,
  done,
  race,
  sleep,
  withCancel,
  withDeadline,
  withDeadlineCause,
  withTimeout,
  withTimeoutCause,
} from '../../src/index.js';
import { UserCtx, state } from './fixtures.js';

const MAX_DELAY = 2 ** 31 - 1;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  const left = vi.getTimerCount();
  vi.clearAllTimers(); // a failed test must not leave its timers to the next
  vi.useRealTimers();
  expect(left).toBe(0);
});

describe('under fake timers with a real Date', () => {
  it.each([
    ['withTimeout', () => withTimeout(background(), 1_000), DeadlineExceeded],
    ['withTimeoutCause', () => withTimeoutCause(background(), 1_000, 'slow'), 'slow'],
    ['withDeadline', () => withDeadline(background(), Date.now() + 1_000), DeadlineExceeded],
    ['withDeadlineCause', () => withDeadlineCause(background(), new Date(Date.now() + 1_000), 'late'), 'late'],
  ] as const)('%s fires when its timer does, not before', (_name, make, why) => {
    const [ctx, cancel] = make();
    // The Date is real: a deadline computed from Date.now() by the caller
    // may find a millisecond or two gone by the time its timer is armed.
    vi.advanceTimersByTime(990);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(cause(ctx)).toBe(why);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  it('a timeout fires under runAllTimers, and so does a done() waiting on it', async () => {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const p = done(ctx);
    vi.runAllTimers();
    expect(ctx.err()).toBe(DeadlineExceeded);
    await p;
    cancel();
  });

  it.each([
    ['done', (ctx: Context) => done(ctx)],
    ['race', (ctx: Context) => race(ctx, new Promise<never>(() => {}))],
    ['sleep(Infinity)', (ctx: Context) => sleep(ctx, Infinity)],
  ])('%s stops keeping the process alive once the deadline it waits for has passed, without re-arming', async (_name, wait) => {
    // A user-written context's deadline: ctxkit holds the process until it, but does not fire it.
    const user = new UserCtx(Date.now() + 1_000);
    const p = wait(user);
    p.catch(() => {});
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_001);
    expect(vi.getTimerCount()).toBe(0);
    expect(await state(p)).toBe('pending');
    user.cancel();
    expect(await state(p)).not.toBe('pending');
  });

  it('sleep resolves after ms', async () => {
    const p = sleep(background(), 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await state(p)).toBe('fulfilled');
  });

  it('a deadline beyond 2^31-1 ms re-reads the clock after each chained timer, so fake time alone never fires it early', () => {
    const [ctx, cancel] = withTimeout(background(), MAX_DELAY + 5_000);
    vi.advanceTimersByTime(MAX_DELAY + 5_000);
    expect(ctx.err()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
    cancel();
  });

  it('a manual cancel still clears the timer', () => {
    const [parent, cancelParent] = withCancel(background());
    const [ctx, cancel] = withTimeout(parent, 1_000);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(ctx.err()).not.toBe(DeadlineExceeded);
    cancelParent();
  });
});
