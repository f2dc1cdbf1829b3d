import { afterEach, describe, expect, it, vi } from 'vitest';
import { Canceled, DeadlineExceeded, background, race, withCancel, withCancelCause, withTimeout, withValue } from '../../src/index.js';
import { cc, collectUnhandled, flush, state, watchers } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('race', () => {
  it('resolves like p while ctx is live', async () => {
    const [ctx, cancel] = withCancel(background());
    await expect(race(ctx, Promise.resolve(42))).resolves.toBe(42);
    cancel();
  });

  it('rejects like p while ctx is live, with the same reason', async () => {
    const [ctx, cancel] = withCancel(background());
    const err = new Error('p failed');
    await expect(race(ctx, Promise.reject(err))).rejects.toBe(err);
    cancel();
  });

  it('checks ctx first: a cancelled ctx rejects even if p has already settled', async () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel(new Error('cause'));
    await expect(race(ctx, Promise.resolve('too late'))).rejects.toBe(Canceled);
    await expect(race(withValue(ctx, 'k', 1), Promise.reject(new Error('also late')))).rejects.toBe(Canceled);
  });

  it('rejects with ctx.err() when ctx is cancelled before p settles', async () => {
    const [ctx, cancel] = withCancel(background());
    const d = deferred<number>();
    const r = race(ctx, d.promise);
    cancel();
    await expect(r).rejects.toBe(Canceled);
    d.resolve(1);
    await flush();
  });

  it("rejects with DeadlineExceeded at ctx's deadline", async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 20);
    const r = race(ctx, new Promise<never>(() => {}));
    const settled = expect(r).rejects.toBe(DeadlineExceeded);
    await vi.advanceTimersByTimeAsync(20);
    await settled;
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its watcher from ctx once p settles', async () => {
    const [ctx, cancel] = withCancel(background());
    const d = deferred<string>();
    const r = race(ctx, d.promise);
    expect(watchers(ctx)).toBe(1);
    d.resolve('ok');
    await r;
    expect(watchers(ctx)).toBe(0);
    const e = deferred<string>();
    const r2 = race(ctx, e.promise);
    e.reject(new Error('x'));
    await expect(r2).rejects.toThrow('x');
    expect(watchers(ctx)).toBe(0);
    cancel();
    expect(cc(ctx)._links).toBeUndefined();
  });

  it('releases the hold on a deadline once p settles', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 1_000);
    const before = vi.getTimerCount();
    const d = deferred<number>();
    const r = race(ctx, d.promise);
    expect(vi.getTimerCount()).toBe(before + 1);
    d.resolve(3);
    await r;
    expect(vi.getTimerCount()).toBe(before);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('accepts a thenable', async () => {
    const [ctx, cancel] = withCancel(background());
    const thenable: PromiseLike<number> = {
      then(onF, onR) {
        return Promise.resolve(7).then(onF, onR);
      },
    };
    await expect(race(ctx, thenable)).resolves.toBe(7);
    cancel();
  });

  it('on background settles like p', async () => {
    await expect(race(background(), Promise.resolve('bg'))).resolves.toBe('bg');
  });

  it('does not report a later rejection of p as unhandled once ctx has won', async () => {
    const [ctx, cancel] = withCancel(background());
    const d = deferred<number>();
    const reported = await collectUnhandled(1, async () => {
      const r = race(ctx, d.promise);
      cancel();
      await expect(r).rejects.toBe(Canceled);
      d.reject(new Error('late failure'));
      // a rejection nobody handles would be reported by now
      await new Promise((res) => setTimeout(res, 20));
      // one deliberate unhandled rejection ends the wait of collectUnhandled
      void Promise.reject(new Error('marker'));
    });
    expect(reported.map((e) => (e as Error).message)).toEqual(['marker']);
  });

  it('does not report the rejection of an already-settled p when ctx was cancelled first', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    const reported = await collectUnhandled(1, async () => {
      await expect(race(ctx, Promise.reject(new Error('ignored')))).rejects.toBe(Canceled);
      await new Promise((res) => setTimeout(res, 20));
      void Promise.reject(new Error('marker'));
    });
    expect(reported.map((e) => (e as Error).message)).toEqual(['marker']);
  });

  it('stays pending while neither side settles', async () => {
    const [ctx, cancel] = withCancel(background());
    const r = race(ctx, new Promise<never>(() => {}));
    expect(await state(r)).toBe('pending');
    cancel();
    await expect(r).rejects.toBe(Canceled);
  });
});
