/**
 * Hostile use of ctxkit/sync: contexts that are not Contexts, revoked
 * proxies, tasks returning promises that call back twice. A failed call
 * must throw where it is made and leave nothing queued behind.
 */
import { describe, expect, it } from 'vitest';
import { Canceled, background, withCancel } from '../../src/index.js';
import { Group, Mutex, Semaphore, run } from '../../src/sync/index.js';
import { UserCtx } from '../core/fixtures.js';
import { flush, registrations, track } from './helpers.js';

/** Has err() and value(), but no deadline() and no signal. */
const halfCtx = { err: () => undefined, value: () => undefined } as never;
const revoked = (): never => {
  const { proxy, revoke } = Proxy.revocable(new UserCtx(), {});
  revoke();
  return proxy as never;
};

describe('a contended Mutex or Semaphore given something that is not a Context', () => {
  it('Mutex.lock throws a TypeError naming "ctx" and queues nothing: the lock still reaches the next waiter', async () => {
    const mu = new Mutex();
    await mu.lock(background());
    expect(() => mu.lock(halfCtx)).toThrow(TypeError);
    expect(() => mu.lock(halfCtx)).toThrow(/Mutex\.lock: argument "ctx"/);
    const next = track(mu.lock(background()));
    mu.unlock();
    await flush();
    expect(next.state).toBe('fulfilled');
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
  });

  it('Semaphore.acquire throws a TypeError naming "ctx" and queues nothing: the weight still reaches the next waiter', async () => {
    const sem = new Semaphore(1);
    await sem.acquire(background());
    expect(() => sem.acquire(halfCtx)).toThrow(/Semaphore\.acquire: argument "ctx"/);
    const next = track(sem.acquire(background()));
    sem.release();
    await flush();
    expect(next.state).toBe('fulfilled');
    sem.release();
    expect(sem.tryAcquire()).toBe(true);
  });

  it('a revoked proxy is a TypeError naming the argument, for every sync entry point', () => {
    const mu = new Mutex();
    const sem = new Semaphore(1);
    for (const [fn, call] of [
      ['Mutex.lock', () => mu.lock(revoked())],
      ['Semaphore.acquire', () => sem.acquire(revoked())],
      ['Group.withContext', () => Group.withContext(revoked())],
      ['run', () => run(revoked(), () => {})],
    ] as const) {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, fn).toBeInstanceOf(TypeError);
      expect((thrown as Error).message, fn).toContain(`ctxkit.${fn}: argument`);
    }
  });
});

describe('a Group task returning a promise whose own then() calls back twice', () => {
  it('counts the task once: wait() still waits for the other tasks', async () => {
    const g = new Group();
    const twice = Promise.resolve();
    (twice as { then: unknown }).then = (ok: () => void, bad: (e: unknown) => void) => {
      ok();
      ok();
      bad(new Error('and failed too'));
      return twice;
    };
    g.go(() => twice);
    let release!: () => void;
    g.go(() => new Promise<void>((r) => (release = r)));
    const w = track(g.wait());
    await flush();
    expect(w.state).toBe('pending');
    release();
    await flush();
    expect(w.state).toBe('fulfilled');
    expect(g._active).toBe(0);
  });
});

describe('waits on a user-written context that fires before it reports err()', () => {
  it('Mutex.lock rejects with Canceled, not undefined, and leaves the lock to the next waiter', async () => {
    const [inner, cancel] = withCancel(background());
    // Follows inner's signal and tells its afterFunc callbacks at once,
    // but never sets an err() of its own.
    const u = Object.assign(new UserCtx(), {
      afterFunc(f: () => void): () => boolean {
        const s = inner.signal;
        s.addEventListener('abort', f);
        return () => (s.removeEventListener('abort', f), true);
      },
    });
    const mu = new Mutex();
    await mu.lock(background());
    const waiting = track(mu.lock(u));
    cancel();
    await flush();
    expect(waiting.state).toBe('rejected');
    expect(waiting.value).toBe(Canceled);
    expect(registrations(inner)).toBe(0);
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
  });
});
