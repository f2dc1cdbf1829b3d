/**
 * Hostile input to ctxkit/http: what a peer can put on the wire and what a
 * careless or malicious caller can pass to the exports (getters that change
 * between reads, revoked proxies, nonsense numbers).
 */
import { describe, expect, it } from 'vitest';
import { background, withCancel } from '../../src/index.js';
import {
  claims,
  fetchWithContext,
  parseGrpcTimeout,
  parseRequestId,
  parseTimeoutMs,
  remainingMs,
  requestBudgetMs,
  requestContext,
  requestId,
  withClaims,
} from '../../src/http/index.js';
import { registrations } from '../sync/helpers.js';

function revoked(): any {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('wire values a peer may send', () => {
  it('rejects arrays, huge, control, non-ASCII and Unicode-digit values without throwing', () => {
    const huge = 'a'.repeat(64 * 1024);
    for (const v of [['1', '1'], huge, '1\u0000', '1\r\n2', '١٢٣', '１２', '+1', '-1', '1e3', '0x10', ' 1', '']) {
      expect(parseTimeoutMs(v as never)).toBeUndefined();
    }
    expect(parseTimeoutMs('0')).toBe(0);
    expect(parseTimeoutMs('00000000000')).toBeUndefined(); // 11 digits
    expect(parseTimeoutMs('9999999999')).toBe(9_999_999_999);
    expect(parseRequestId('a'.repeat(128))).toBe('a'.repeat(128));
    expect(parseRequestId('a'.repeat(129))).toBeUndefined();
    expect(parseRequestId('=')).toBe('=');
    expect(parseRequestId(':')).toBe(':');
    for (const v of [huge, 'a\u0000', 'a\r\nb', 'é', '١', ['a', 'a'], [], [1]]) expect(parseRequestId(v as never)).toBeUndefined();
    expect(parseGrpcTimeout('99999999H')).toBe(99_999_999 * 3_600_000);
    expect(parseGrpcTimeout('0n')).toBe(0);
    for (const v of ['1', '-1S', '1.5S', '', 'S', '123456789m']) expect(parseGrpcTimeout(v)).toBeUndefined();
  });
});

describe('bad arguments', () => {
  it('requestBudgetMs refuses a maxTimeoutMs that is not a number, NaN or negative (never a NaN budget)', () => {
    expect(() => requestBudgetMs(undefined, 'x' as never)).toThrow(TypeError);
    expect(() => requestBudgetMs('5', NaN)).toThrow(/maxTimeoutMs/);
    expect(() => requestBudgetMs(undefined, -1)).toThrow(RangeError);
    expect(requestBudgetMs('5', 10)).toBe(5);
    expect(requestBudgetMs('bad', 10)).toBe(10);
  });

  it('remainingMs never returns NaN', () => {
    expect(() => remainingMs(Infinity, Infinity)).toThrow(RangeError);
    expect(() => remainingMs(5, -Infinity)).toThrow(RangeError);
    expect(remainingMs(Infinity)).toBe(Infinity);
  });

  it('withClaims validates the values it stores (getters that change between reads)', () => {
    let reads = 0;
    const evil = {
      get userId(): any {
        return reads++ === 0 ? 'alice' : { toString: () => 'root' };
      },
      get scopes(): any {
        return reads++ < 3 ? ['read'] : ['admin', 42];
      },
    };
    let ctx;
    try {
      ctx = withClaims(background(), evil as never);
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      return;
    }
    const c = claims(ctx)!;
    expect(typeof c.userId).toBe('string');
    expect(c.scopes.every((s) => typeof s === 'string')).toBe(true);
  });

  it('revoked proxies are refused with a TypeError naming the argument', () => {
    const r = revoked();
    expect(() => requestId(r)).toThrow(/argument "ctx"/);
    expect(() => withClaims(r, { userId: 'a', scopes: [] })).toThrow(/argument "ctx"/);
    expect(() => withClaims(background(), r)).toThrow(/argument "claims"/);
    expect(() => requestContext(r)).toThrow(/argument "request"/);
    expect(() => requestContext(new Request('http://x/'), r)).toThrow(/argument "options"/);
    expect(() => fetchWithContext(r, 'http://127.0.0.1:1/')).toThrow(/argument "ctx"/);
  });

  it('a bad fetch argument leaves nothing registered on ctx', async () => {
    const [ctx, cancel] = withCancel(background());
    expect(() => fetchWithContext(ctx, 'http://127.0.0.1:1/', { timeoutMs: 'x' as never })).toThrow(/timeoutMs/);
    await expect(fetchWithContext(ctx, 'http://127.0.0.1:1/', { headers: { 'bad header': 'x' } })).rejects.toThrow(TypeError);
    expect(registrations(ctx)).toBe(0);
    cancel();
  });
});
