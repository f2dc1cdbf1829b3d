/**
 * Waiting on a context that cannot be cancelled by itself — a value context,
 * a withoutCancel below one, a user-written wrapper that delegates to a
 * ctxkit context — registers on the nearest context that can, as Go's
 * valueCtx.Done() is its parent's channel. Per-request code such as
 * `Promise.race([done(ctx), work])` on a long-lived server context must not
 * grow that context's registry or the heap.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type Context,
  afterFunc,
  background,
  cause,
  createKey,
  done,
  race,
  sleep,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { Wrapper, children, flush, isLinked, state, watchers } from './fixtures.js';
import { heapUsed } from '../harness/runtime.js';

const k = createKey<number>('n');

/** A wrapper that also offers Go's AfterFunc hook, delegating it to ctxkit. */
class AfterFuncWrapper extends Wrapper {
  afterFunc(f: () => void): () => boolean {
    return afterFunc(this.inner, f);
  }
}

describe('done() on contexts that cannot be cancelled by themselves', () => {
  it('returns the nearest cancellable context’s promise for a value context', () => {
    const [server, stop] = withCancel(background());
    const a = withValue(server, k, 1);
    const b = withValue(withValue(server, k, 2), 'x', 'y');
    expect(done(a)).toBe(done(server));
    expect(done(b)).toBe(done(server));
    expect(watchers(server)).toBe(1);
    stop();
  });

  it('holds at most one registration for a million value contexts of one parent, and keeps the heap flat', () => {
    const [server, stop] = withCancel(background());
    done(server);
    const before = heapUsed();
    for (let i = 0; i < 1_000_000; i++) done(withValue(server, k, i));
    const grown = heapUsed() - before;
    expect(watchers(server)).toBe(1);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    stop();
    expect(watchers(server)).toBe(0);
  });

  it('registers nothing for a value context below withoutCancel, and returns a promise that never settles', async () => {
    const [server, stop] = withCancel(background());
    const free = withValue(withoutCancel(server), k, 1);
    const p = done(free);
    stop();
    expect(watchers(server)).toBe(0);
    expect(await state(p)).toBe('pending');
  });

  it('does not keep one never-settling promise for background(): reactions of finished races die with their race', () => {
    // A shared never-settling promise would collect a reaction per
    // Promise.race([done(background()), work]) forever.
    expect(done(background())).not.toBe(done(background()));
  });

  it('resolves for a value context when its parent is cancelled', async () => {
    const [server, stop] = withCancel(background());
    const p = done(withValue(server, k, 1));
    stop();
    expect(await state(p)).toBe('fulfilled');
  });

  it('race() and sleep() on value contexts each hold one registration on the parent while pending, none after', async () => {
    const [server, stop] = withCancel(background());
    const v = withValue(server, k, 1);
    const r = race(v, new Promise<number>(() => {}));
    const s = sleep(v, 1e9);
    expect(watchers(server)).toBe(2);
    stop();
    await expect(r).rejects.toBe(server.err());
    await expect(s).rejects.toBe(server.err());
    expect(watchers(server)).toBe(0);
  });
});

describe('a user-written wrapper that delegates value() and signal to a ctxkit context', () => {
  it('adds no abort listener for done() on a thousand wrappers of one context', () => {
    const [inner, stop] = withCancel(background());
    const sig = inner.signal;
    const before = getEventListeners(sig, 'abort').length;
    const ps = [];
    for (let i = 0; i < 1000; i++) ps.push(done(new Wrapper(inner)));
    expect(getEventListeners(sig, 'abort').length - before).toBeLessThanOrEqual(1);
    expect(watchers(inner)).toBeLessThanOrEqual(1);
    stop();
  });

  it('links its children to the inner context directly: cancelled synchronously, in derivation order, no listener', () => {
    const [inner, stop] = withCancelCause(background());
    const sig = inner.signal;
    const w = new Wrapper(withValue(inner, k, 1));
    const [a] = withCancel(w);
    const [direct] = withCancel(inner);
    const [b] = withCancel(w);
    expect(getEventListeners(sig, 'abort')).toHaveLength(0);
    expect(children(inner)).toEqual([a, direct, b]);
    const why = new Error('shutdown');
    stop(why);
    expect([a.err(), b.err()]).toEqual([inner.err(), inner.err()]);
    expect(cause(a)).toBe(why);
    expect(isLinked(a)).toBe(false);
  });

  it('does not run its children’s abort listeners in the middle of the inner context’s abort dispatch', () => {
    const [inner, stop] = withCancel(background());
    const order: string[] = [];
    const [child] = withCancel(new Wrapper(inner));
    inner.signal.addEventListener('abort', () => order.push('inner-1'));
    child.signal.addEventListener('abort', () => order.push('child'));
    inner.signal.addEventListener('abort', () => order.push('inner-2'));
    stop();
    expect(order).toEqual(['inner-1', 'inner-2', 'child']);
  });

  it('propagates synchronously when it delegates afterFunc too', () => {
    const [inner, stop] = withCancel(background());
    const [child] = withCancel(new AfterFuncWrapper(inner));
    stop();
    expect(child.err()).toBe(inner.err());
  });

  it('runs afterFunc callbacks on it in registration order with the inner context’s', async () => {
    const [inner, stop] = withCancel(background());
    const w = new Wrapper(inner);
    const order: number[] = [];
    afterFunc(w, () => order.push(1));
    afterFunc(inner, () => order.push(2));
    afterFunc(w, () => order.push(3));
    expect(watchers(inner)).toBe(3);
    stop();
    await flush();
    expect(order).toEqual([1, 2, 3]);
  });

  it('still treats a wrapper with a signal of its own as a user-written parent', () => {
    const [inner, stop] = withCancel(background());
    const ac = new AbortController();
    const w: Context = {
      deadline: () => inner.deadline(),
      signal: ac.signal,
      err: () => inner.err() ?? (ac.signal.aborted ? (ac.signal.reason as Error) : undefined),
      value: (key: unknown) => inner.value(key),
    };
    const [child] = withCancel(w);
    expect(children(inner)).toEqual([]);
    ac.abort(new Error('own'));
    expect(child.err()).toBeDefined();
    stop();
  });

  it('keeps a long-lived inner context’s registry empty after a thousand requests through wrappers', async () => {
    const [server, stop] = withTimeout(background(), 60_000);
    for (let i = 0; i < 1000; i++) {
      const w = new Wrapper(withValue(server, k, i));
      const [req, end] = withCancel(w);
      await race(req, Promise.resolve(i));
      end();
    }
    expect(children(server)).toEqual([]);
    expect(watchers(server)).toBe(0);
    expect(getEventListeners(server.signal, 'abort')).toHaveLength(0);
    stop();
  });
});
