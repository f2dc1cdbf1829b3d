/**
 * User-written contexts as parents: ctxkit follows them through their
 * `afterFunc` method when they have one, else through one `abort` listener
 * on their signal, shared by all their ctxkit children.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Context,
  Canceled,
  afterFunc,
  background,
  cause,
  createKey,
  done,
  race,
  withCancel,
  withCancelCause,
  withDeadline,
  withTimeout,
  withValue,
} from '../../src/index.js';
import { UserAfterFuncCtx, UserCtx, Wrapper, cc, flush, probeListeners, state } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe.each([
  ['without afterFunc (followed through its signal)', () => new UserCtx()],
  ['with afterFunc', () => new UserAfterFuncCtx()],
])('a user-written parent %s', (_label, make) => {
  it("cancels its children with its own err() as is, and cause(parent)", () => {
    const parent = make();
    const [a] = withCancel(parent);
    const [b] = withCancelCause(withValue(parent, 'k', 1));
    const [grandchild] = withCancel(a);
    const err = new Error('user says stop');
    parent.cancel(err);
    for (const c of [a, b, grandchild]) {
      expect(c.err()).toBe(err);
      expect(cause(c)).toBe(err);
    }
  });

  it('gives a child derived after it was cancelled its err at once', () => {
    const parent = make();
    const err = new Error('earlier');
    parent.cancel(err);
    const [child] = withCancel(parent);
    expect(child.err()).toBe(err);
    expect(cause(child)).toBe(err);
    expect(child.signal.reason).toBe(err);
  });

  it('is not cancelled by its children', () => {
    const parent = make();
    const [, cancel] = withCancel(parent);
    cancel();
    expect(parent.err()).toBeUndefined();
  });

  it('passes its values, deadline and description to its children', () => {
    const k = createKey<string>('k');
    const parent = make().set(k, 'from user');
    parent._deadline = Date.UTC(2100, 0, 1);
    const [child, cancel] = withCancel(parent);
    expect(child.value(k)).toBe('from user');
    expect(withValue(child, 'x', 1).value(k)).toBe('from user');
    expect(child.deadline()?.getTime()).toBe(Date.UTC(2100, 0, 1));
    expect(String(child)).toBe(`${parent.constructor.name}.WithCancel`);
    cancel();
  });

  it('runs afterFunc callbacks and settles done() and race() when it cancels', async () => {
    const parent = make();
    const f = vi.fn();
    afterFunc(parent, f);
    const d = done(parent);
    const r = race(parent, new Promise(() => {}));
    r.catch(() => {});
    const err = new Error('x');
    parent.cancel(err);
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
    expect(await state(d)).toBe('fulfilled');
    await expect(r).rejects.toBe(err);
  });

  it('cancels all its ctxkit descendants before any of their abort listeners runs', () => {
    const parent = make();
    const [a] = withCancel(parent);
    const [b] = withCancel(withValue(parent, 'k', 1));
    const [b1] = withCancel(b);
    const err = new Error('all at once');
    const seen: unknown[] = [];
    a.signal.addEventListener('abort', () => seen.push(b.err(), b1.err()));
    const order: string[] = [];
    for (const [name, c] of [['a', a], ['b', b], ['b1', b1]] as const) c.signal.addEventListener('abort', () => order.push(name));
    parent.cancel(err);
    expect(seen).toEqual([err, err]);
    expect(order).toEqual(['a', 'b', 'b1']);
  });

  it('lets stop() of an afterFunc on it prevent f and drop its registration', async () => {
    const parent = make();
    const f = vi.fn();
    const stop = afterFunc(parent, f);
    expect(stop()).toBe(true);
    expect(stop()).toBe(false);
    parent.cancel();
    await flush();
    expect(f).not.toHaveBeenCalled();
    if (parent instanceof UserAfterFuncCtx) expect(parent.stops).toBe(1);
  });

  it('queues afterFunc at once when it is already cancelled', async () => {
    const parent = make();
    parent.cancel();
    const f = vi.fn();
    const stop = afterFunc(parent, f);
    expect(f).not.toHaveBeenCalled();
    expect(stop()).toBe(false);
    await flush();
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('lets a child cancelled by hand report Canceled, not the parent err', () => {
    const parent = make();
    const [child, cancel] = withCancel(parent);
    cancel();
    parent.cancel(new Error('later'));
    expect(child.err()).toBe(Canceled);
  });
});

describe('a user-written parent without afterFunc', () => {
  it('holds one abort listener however many children it has, removed with the last child', () => {
    const parent = new UserCtx();
    const probe = probeListeners(parent._ac.signal);
    const cancels = Array.from({ length: 20 }, () => withCancel(parent)[1]);
    expect(probe.active()).toBe(1);
    expect(probe.added()).toBe(1);
    cancels.slice(0, 19).forEach((c) => c());
    expect(probe.active()).toBe(1);
    cancels[19]!();
    expect(probe.active()).toBe(0);
  });

  it('holds one listener shared by children, afterFunc and the async helpers, and drops it when all are gone', async () => {
    const parent = new UserCtx();
    const probe = probeListeners(parent._ac.signal);
    const [, cancel] = withCancel(parent);
    const stop = afterFunc(parent, () => {});
    let resolveP!: (v: number) => void;
    const r = race(parent, new Promise<number>((res) => (resolveP = res)));
    expect(probe.active()).toBe(1);
    expect(probe.added()).toBe(1);
    cancel();
    expect(stop()).toBe(true);
    expect(probe.active()).toBe(1);
    resolveP(5);
    await expect(r).resolves.toBe(5);
    expect(probe.active()).toBe(0);
  });

  it('removes its listener once the parent has cancelled its children', () => {
    const parent = new UserCtx();
    const probe = probeListeners(parent._ac.signal);
    withCancel(parent);
    withCancel(parent);
    parent.cancel();
    expect(probe.active()).toBe(0);
  });

  it('propagates as promptly as the signal: synchronously when it aborts', () => {
    const parent = new UserCtx();
    const [child] = withCancel(parent);
    parent.cancel(new Error('now'));
    expect(child.err()?.message).toBe('now');
  });

  it('takes Canceled if the signal aborts while err() still reports nothing', () => {
    const parent = new UserCtx();
    const [child] = withCancel(parent);
    parent._ac.abort();
    expect(child.err()).toBe(Canceled);
  });
});

describe('a user-written parent with afterFunc', () => {
  it('is registered with once however many children it has, and stopped with the last child', () => {
    const parent = new UserAfterFuncCtx();
    const probe = probeListeners(parent._ac.signal);
    const cancels = Array.from({ length: 20 }, () => withCancel(parent)[1]);
    afterFunc(parent, () => {});
    expect(parent.afterFuncCalls).toBe(1);
    expect(parent.registrations).toBe(1);
    expect(probe.added()).toBe(0);
    expect(parent.signalReads).toBe(0);
    cancels.forEach((c) => c());
    expect(parent.registrations).toBe(1); // the afterFunc watcher is still there
  });

  it('drops its registration when the last child and watcher are gone', () => {
    const parent = new UserAfterFuncCtx();
    const [, c1] = withCancel(parent);
    const [, c2] = withCancel(parent);
    const stop = afterFunc(parent, () => {});
    c1();
    c2();
    expect(parent.registrations).toBe(1);
    expect(stop()).toBe(true);
    expect(parent.registrations).toBe(0);
    expect(parent.stops).toBe(1);
  });

  it('registers again for children derived after the previous registration was dropped', () => {
    const parent = new UserAfterFuncCtx();
    withCancel(parent)[1]();
    const [child, cancel] = withCancel(parent);
    expect(parent.afterFuncCalls).toBe(2);
    expect(parent.registrations).toBe(1);
    const err = new Error('e');
    parent.cancel(err);
    expect(child.err()).toBe(err);
    cancel();
  });

  it('calls its stop() only once the child being cancelled reports err()', () => {
    const parent = new UserAfterFuncCtx();
    const box: { child?: Context } = {};
    let seen: unknown = 'not called';
    const register = parent.afterFunc.bind(parent);
    parent.afterFunc = (f) => {
      const s = register(f);
      return () => {
        seen = box.child!.err();
        return s();
      };
    };
    const [child, cancel] = withCancel(parent);
    box.child = child;
    cancel();
    expect(seen).toBe(Canceled);
  });

  it('does not stop a registration that has already fired', () => {
    const parent = new UserAfterFuncCtx();
    const [child, cancel] = withCancel(parent);
    parent.cancel();
    cancel();
    expect(parent.stops).toBe(0);
    expect(child.err()).toBe(parent.err());
  });

  it('copes with an afterFunc that calls back synchronously during registration', () => {
    const parent = new UserAfterFuncCtx();
    // Cancelled but afterFunc still offered: it calls f inside afterFunc().
    parent._err = new Error('racy');
    const origErr = parent.err.bind(parent);
    let calls = 0;
    parent.err = () => (calls++ === 0 ? undefined : origErr());
    const [child] = withCancel(parent);
    expect(child.err()?.message).toBe('racy');
  });
});

describe('a user-written wrapper around a ctxkit context', () => {
  it('reports the inner cause through cause()', () => {
    const [inner, cancel] = withCancelCause(background());
    const w = new Wrapper(inner);
    expect(cause(w)).toBeUndefined();
    const why = new Error('inner why');
    cancel(why);
    expect(w.err()).toBe(Canceled);
    expect(cause(w)).toBe(why);
  });

  it('gives its children the inner err and cause', () => {
    const [inner, cancel] = withCancelCause(background());
    const [child] = withCancel(new Wrapper(inner));
    const why = new Error('inner why');
    cancel(why);
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(why);
  });

  it('has a child born cancelled when the inner context already is', () => {
    const [inner, cancel] = withCancelCause(background());
    const why = new Error('done before');
    cancel(why);
    const [child] = withCancel(new Wrapper(inner));
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(why);
  });

  it("reports its own err() as cause when it wraps no ctxkit context", () => {
    const parent = new UserCtx();
    const err = new Error('own');
    parent.cancel(err);
    expect(cause(parent)).toBe(err);
    expect(cause(new UserCtx())).toBeUndefined();
  });

  it('loses values and the inner cause when it does not forward value()', () => {
    class TraceCtx implements Context {
      constructor(
        readonly parent: Context,
        readonly span: string,
      ) {}
      deadline(): Date | undefined {
        return this.parent.deadline();
      }
      get signal(): AbortSignal {
        return this.parent.signal;
      }
      err(): Error | undefined {
        return this.parent.err();
      }
      value(key: unknown): any {
        return key === 'span' ? this.span : undefined;
      }
    }
    const [inner, cancel] = withCancelCause(withValue(background(), 'user', 'ann'));
    const t = new TraceCtx(inner, 'span-1');
    const [child] = withCancel(t);
    expect(child.value('span')).toBe('span-1');
    expect(child.value('user')).toBeUndefined();
    const why = new Error('inner why');
    cancel(why);
    // Still cancelled (it forwards signal and err), but the cause is lost.
    expect(child.err()).toBe(Canceled);
    expect(cause(t)).toBe(Canceled);
    expect(cause(child)).toBe(Canceled);
  });

  it('describes a chain below it starting with its constructor name', () => {
    const [inner, cancel] = withCancel(background());
    const [child, cancelChild] = withCancel(withValue(new Wrapper(inner), 'k', 'v'));
    expect(String(child)).toBe('Wrapper.WithValue(k, v).WithCancel');
    cancelChild();
    cancel();
  });

  it("lets a deadline below it be clamped to the inner one", () => {
    vi.useFakeTimers({ now: 0 });
    const [inner, cancel] = withTimeout(background(), 10);
    const [child, cancelChild] = withDeadline(new Wrapper(inner), 100);
    expect(child.deadline()?.getTime()).toBe(10);
    expect(cc(child)).not.toHaveProperty('_timer');
    vi.advanceTimersByTime(10);
    expect(child.err()).toBe(inner.err());
    cancelChild();
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });
});
