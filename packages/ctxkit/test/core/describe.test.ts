import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  background,
  createKey,
  todo,
  withCancel,
  withCancelCause,
  withDeadline,
  withSignal,
  withTimeout,
  withValue,
  withoutCancel,
} from '../../src/index.js';
import { formatDuration } from '../../src/core/describe.js';
import { UserAfterFuncCtx, UserCtx } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

class Session {
  id = 's-1';
  secret = 'hunter2';
}
class RequestInfo {
  constructor(readonly path: string) {}
  toString(): string {
    return `request ${this.path}`;
  }
}
class Sub extends RequestInfo {}
class AppError extends Error {}

describe('String(ctx)', () => {
  it('names the roots', () => {
    expect(String(background())).toBe('context.Background');
    expect(String(todo())).toBe('context.TODO');
    expect(`${background()}`).toBe('context.Background');
  });

  it('describes withCancel and withCancelCause as .WithCancel', () => {
    const [a, cancelA] = withCancel(background());
    const [b, cancelB] = withCancelCause(todo());
    expect(String(a)).toBe('context.Background.WithCancel');
    expect(String(b)).toBe('context.TODO.WithCancel');
    cancelA();
    cancelB();
  });

  it('describes a derivation chain in order', () => {
    const k = createKey<string>('requestId');
    const [c, cancel] = withCancel(withValue(todo(), k, 'r-1'));
    const ac = new AbortController();
    const [s, cancelS] = withSignal(withoutCancel(c), ac.signal);
    expect(String(s)).toBe('context.TODO.WithValue(requestId, r-1).WithCancel.WithoutCancel.WithSignal');
    cancelS();
    cancel();
  });

  it('keeps describing a context the same way after it is cancelled', () => {
    const [c, cancel] = withCancel(background());
    cancel();
    expect(String(c)).toBe('context.Background.WithCancel');
  });

  const own = { toString: () => 'own toString' };
  const noProto = Object.create(null) as object;
  const fn = function named(): void {};
  it.each([
    ['a Key prints its name', createKey('traceId'), 'traceId'],
    ['a string prints as itself', 'plain', 'plain'],
    ['an empty string prints as itself', '', ''],
    ['null prints <nil>', null, '<nil>'],
    ['undefined prints <nil>', undefined, '<nil>'],
    ['an object with its own toString prints it', own, 'own toString'],
    ['an instance of a class with toString prints it', new RequestInfo('/a'), 'request /a'],
    ['an instance of a subclass inheriting a user toString prints it', new Sub('/b'), 'request /b'],
    ['an instance of a user class without toString prints its class name', new Session(), 'Session'],
    ['a plain object prints Object', { password: 'x' }, 'Object'],
    ['a null-prototype object prints Object', noProto, 'Object'],
    ['an array prints Array', ['secret'], 'Array'],
    ['an Error prints Error', new Error('secret message'), 'Error'],
    ['a user Error subclass prints its class name', new AppError('secret'), 'AppError'],
    ['a Date prints Date', new Date(0), 'Date'],
    ['a Map prints Map', new Map([['a', 1]]), 'Map'],
    ['a Set prints Set', new Set([1]), 'Set'],
    ['a RegExp prints RegExp', /secret/g, 'RegExp'],
    ['a function prints Function', fn, 'Function'],
    ['an arrow function prints Function', (): number => 1, 'Function'],
    ['a number prints number', 42, 'number'],
    ['NaN prints number', Number.NaN, 'number'],
    ['a boolean prints boolean', true, 'boolean'],
    ['a bigint prints bigint', 10n, 'bigint'],
    ['a symbol prints symbol', Symbol('secret'), 'symbol'],
  ] as const)('WithValue: %s', (_label, v, want) => {
    expect(String(withValue(background(), 'k', v))).toBe(`context.Background.WithValue(k, ${want})`);
    if (v !== null && v !== undefined) {
      expect(String(withValue(background(), v, 'v'))).toBe(`context.Background.WithValue(${want}, v)`);
    }
  });

  describe('values of classes the runtime provides print as their type name, never their contents', () => {
    class DbUrl extends URL {}
    class Registry extends Map<string, string> {}
    const buffer = (globalThis as { Buffer?: { from(s: string): Uint8Array } }).Buffer;
    it.each([
      ['a URL with credentials', new URL('https://alice:hunter2@db/?token=abc'), 'URL'],
      ['URLSearchParams', new URLSearchParams('token=abc'), 'URLSearchParams'],
      ['a Uint8Array', new TextEncoder().encode('hunter2'), 'Uint8Array'],
      ['Headers', new Headers({ authorization: 'Bearer hunter2' }), 'Headers'],
      ['a user subclass of URL that keeps its toString', new DbUrl('https://alice:hunter2@db/'), 'DbUrl'],
      ['a user subclass of Map without a toString', new Registry([['password', 'hunter2']]), 'Registry'],
    ] as const)('%s', (_label, v, want) => {
      const s = String(withValue(background(), 'k', v));
      expect(s).toBe(`context.Background.WithValue(k, ${want})`);
      expect(s).not.toMatch(/hunter2|abc/);
      expect(String(withValue(background(), v, 'v'))).toBe(`context.Background.WithValue(${want}, v)`);
    });

    it.runIf(buffer !== undefined)('a Buffer', () => {
      const s = String(withValue(background(), 'k', buffer!.from('hunter2')));
      expect(s).toBe('context.Background.WithValue(k, Buffer)');
    });

    it('a user subclass of URL that defines its own toString prints it', () => {
      class RedactedUrl extends URL {
        override toString(): string {
          return `${this.protocol}//${this.host}${this.pathname}`;
        }
      }
      const v = new RedactedUrl('https://alice:hunter2@db/orders?token=abc');
      expect(String(withValue(background(), 'k', v))).toBe('context.Background.WithValue(k, https://db/orders)');
    });

    it('a runtime object given its own toString prints it', () => {
      const v = Object.assign(new URL('https://alice:hunter2@db/'), { toString: () => 'db' });
      expect(String(withValue(background(), 'k', v))).toBe('context.Background.WithValue(k, db)');
    });
  });

  it('prints a Proxy, a revoked Proxy and a throwing toString getter without crashing', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const loop: object = new Proxy(
      {},
      {
        getPrototypeOf: () => loop,
        get: (_t, p) => (p === 'toString' ? () => 'from a proxy' : undefined),
      },
    );
    const getter = {
      get toString(): never {
        throw new Error('no');
      },
    };
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
        getPrototypeOf: () => {
          throw new Error('no');
        },
        getOwnPropertyDescriptor: () => {
          throw new Error('no');
        },
      },
    );
    expect(String(withValue(background(), 'k', new Proxy(new Map(), {})))).toBe('context.Background.WithValue(k, Map)');
    expect(String(withValue(background(), 'k', revoked))).toBe('context.Background.WithValue(k, Object)');
    expect(String(withValue(background(), 'k', getter))).toBe('context.Background.WithValue(k, Object)');
    expect(String(withValue(background(), 'k', hostile))).toBe('context.Background.WithValue(k, Object)');
    expect(() => String(withValue(background(), 'k', loop))).not.toThrow();
  });

  it('prints a throwing toString as the type name', () => {
    class Hostile {
      toString(): string {
        throw new Error('no');
      }
    }
    expect(String(withValue(background(), 'k', new Hostile()))).toBe('context.Background.WithValue(k, Hostile)');
  });

  it('describes a deadline with its ISO instant and remaining time in Go duration format', () => {
    const t0 = Date.UTC(2030, 5, 15, 8, 30, 0);
    vi.useFakeTimers({ now: t0 });
    const [ctx, cancel] = withTimeout(background(), 1_500);
    const iso = new Date(t0 + 1_500).toISOString();
    expect(String(ctx)).toBe(`context.Background.WithDeadline(${iso} [1.5s])`);
    vi.advanceTimersByTime(500);
    expect(String(ctx)).toBe(`context.Background.WithDeadline(${iso} [1s])`);
    vi.advanceTimersByTime(1_000);
    expect(String(ctx)).toBe(`context.Background.WithDeadline(${iso} [0s])`);
    vi.advanceTimersByTime(250);
    expect(String(ctx)).toBe(`context.Background.WithDeadline(${iso} [-250ms])`);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('prints negative remaining time for a deadline already past at creation', () => {
    const t0 = Date.UTC(2030, 0, 1);
    vi.useFakeTimers({ now: t0 });
    const [ctx, cancel] = withDeadline(todo(), t0 - 3_723_000);
    expect(String(ctx)).toBe(`context.TODO.WithDeadline(${new Date(t0 - 3_723_000).toISOString()} [-1h2m3s])`);
    cancel();
  });

  it('describes a deadline clamped by an earlier parent deadline as .WithCancel', () => {
    vi.useFakeTimers({ now: 0 });
    const [parent, cancelParent] = withDeadline(background(), 1_000);
    const [ctx, cancel] = withDeadline(parent, 5_000);
    expect(String(ctx)).toBe('context.Background.WithDeadline(1970-01-01T00:00:01.000Z [1s]).WithCancel');
    cancel();
    cancelParent();
  });

  it('prints a user-written parent as its constructor name', () => {
    const [a, cancelA] = withCancel(new UserCtx());
    const [b, cancelB] = withCancel(withValue(new UserAfterFuncCtx(), 'k', 'v'));
    expect(String(a)).toBe('UserCtx.WithCancel');
    expect(String(b)).toBe('UserAfterFuncCtx.WithValue(k, v).WithCancel');
    cancelA();
    cancelB();
  });

  it('prints a plain-object parent as Object', () => {
    const parent = { deadline: () => undefined, signal: new AbortController().signal, err: () => undefined, value: () => undefined };
    expect(String(withValue(parent, 'k', 'v'))).toBe('Object.WithValue(k, v)');
  });
});

describe('formatDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [1e-6, '1ns'],
    [999e-6, '999ns'],
    [0.001, '1µs'],
    [0.0015, '1.5µs'],
    [0.0011, '1.1µs'],
    [1, '1ms'],
    [99.99, '99.99ms'],
    [999.999999, '999.999999ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [61_000, '1m1s'],
    [3_600_000, '1h0m0s'],
    [7_384_005, '2h3m4.005s'],
    [360_000_000, '100h0m0s'],
    [-1e-6, '-1ns'],
    [-1_500, '-1.5s'],
    [-99.99, '-99.99ms'],
    [-7_384_005, '-2h3m4.005s'],
    [4e-7, '0s'],
    [1e12 + 7, '277777h46m40.007s'],
    [-(1e12 + 7), '-277777h46m40.007s'],
    [8.64e15, '2400000000h0m0s'],
    [1e12 + 0.5, '277777h46m40.0005s'],
    [1e9 + 0.25, '277h46m40.00025s'],
    [-0.0015, '-1.5µs'],
    [-0, '0s'],
  ])('formats %s ms as %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});
