/**
 * The wire format, against every shared test vector and at the edges the
 * vectors cannot express (CR/LF, arrays of values, rounding, clamping).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { background, withCancel, withDeadline, withTimeout } from '../../src/index.js';
import {
  GRPC_TIMEOUT_HEADER,
  MAX_TIMEOUT_MS,
  REQUEST_ID_HEADER,
  TIMEOUT_HEADER,
  formatGrpcTimeout,
  formatTimeoutMs,
  isValidRequestId,
  outgoingDeadline,
  parseGrpcTimeout,
  parseRequestId,
  parseTimeoutMs,
  remainingMs,
  requestIdOrNew,
} from '../../src/http/index.js';

interface Vectors {
  'connect-timeout-ms': Array<{ in: string; ms: number | null; note?: string }>;
  'grpc-timeout': Array<{ in: string; ms: number | null; note?: string }>;
  'x-request-id': Array<{ in: string; accept: boolean; note?: string }>;
}

const COPY = new URL('./wire-vectors.json', import.meta.url);
/** The shared original, beside the repository; absent in a fresh clone. */
const ORIGINAL = new URL('../../../../../shared/wire-vectors.json', import.meta.url);

const vectors = JSON.parse(readFileSync(COPY, 'utf8')) as Vectors;
const name = (v: { in: string; note?: string }) => `${JSON.stringify(v.in)}${v.note ? ` (${v.note})` : ''}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('the test vectors', () => {
  it('are the shared ones, when the shared file is present', () => {
    if (!existsSync(fileURLToPath(ORIGINAL))) return; // a fresh clone: the copy is the reference
    expect(readFileSync(COPY, 'utf8')).toBe(readFileSync(ORIGINAL, 'utf8'));
  });

  it('cover every rule', () => {
    expect(vectors['connect-timeout-ms'].length).toBeGreaterThan(10);
    expect(vectors['grpc-timeout'].length).toBeGreaterThan(10);
    expect(vectors['x-request-id'].length).toBeGreaterThan(10);
  });
});

describe('constants', () => {
  it('are the header names and limit of the wire format', () => {
    expect([REQUEST_ID_HEADER, TIMEOUT_HEADER, GRPC_TIMEOUT_HEADER, MAX_TIMEOUT_MS]).toEqual([
      'x-request-id',
      'connect-timeout-ms',
      'grpc-timeout',
      9_999_999_999,
    ]);
  });
});

describe('parseTimeoutMs (connect-timeout-ms)', () => {
  for (const v of vectors['connect-timeout-ms']) {
    it(`${name(v)} grants ${v.ms === null ? 'nothing: ignored' : `${v.ms} ms`}`, () => {
      expect(parseTimeoutMs(v.in)).toBe(v.ms ?? undefined);
    });
  }

  it('reads a one-element array as its value, and several values as none', () => {
    expect(parseTimeoutMs(['100'])).toBe(100);
    expect(parseTimeoutMs(['100', '100'])).toBeUndefined();
    expect(parseTimeoutMs([])).toBeUndefined();
  });

  it('ignores absent values and whitespace around digits', () => {
    for (const v of [undefined, null, ' 100', '100 ', '100\r\n', '1\n0', '\t5']) expect(parseTimeoutMs(v)).toBeUndefined();
  });

  it('never yields NaN, a negative or a fraction, for any string', () => {
    for (const s of ['NaN', 'Infinity', '-0', '0.0', '1_000', '٣', '99999999999999999999']) {
      expect(parseTimeoutMs(s)).toBeUndefined();
    }
  });
});

describe('formatTimeoutMs', () => {
  it('rounds up to whole milliseconds: a peer is never told less time than there is', () => {
    expect(formatTimeoutMs(100)).toBe('100');
    expect(formatTimeoutMs(0.2)).toBe('1');
    expect(formatTimeoutMs(99.01)).toBe('100');
  });

  it('clamps to [0, MAX_TIMEOUT_MS]', () => {
    expect(formatTimeoutMs(0)).toBe('0');
    expect(formatTimeoutMs(-5)).toBe('0');
    expect(formatTimeoutMs(-Infinity)).toBe('0');
    expect(formatTimeoutMs(MAX_TIMEOUT_MS)).toBe('9999999999');
    expect(formatTimeoutMs(MAX_TIMEOUT_MS + 1)).toBe('9999999999');
    expect(formatTimeoutMs(Infinity)).toBe('9999999999');
  });

  it('round-trips through parseTimeoutMs', () => {
    for (const ms of [0, 1, 7, 1_000, 2 ** 31, MAX_TIMEOUT_MS]) expect(parseTimeoutMs(formatTimeoutMs(ms))).toBe(ms);
  });

  it('throws for a non-number or NaN, naming the argument', () => {
    expect(() => formatTimeoutMs(Number.NaN)).toThrow(RangeError);
    expect(() => formatTimeoutMs(Number.NaN)).toThrow(/"ms"/);
    expect(() => formatTimeoutMs('100' as never)).toThrow(TypeError);
    expect(() => formatTimeoutMs('100' as never)).toThrow(/formatTimeoutMs: argument "ms"/);
  });
});

describe('parseGrpcTimeout (grpc-timeout)', () => {
  for (const v of vectors['grpc-timeout']) {
    it(`${name(v)} grants ${v.ms === null ? 'nothing: ignored' : `${v.ms} ms`}`, () => {
      expect(parseGrpcTimeout(v.in)).toBe(v.ms ?? undefined);
    });
  }

  it('rounds every sub-millisecond budget up', () => {
    expect(parseGrpcTimeout('1u')).toBe(1);
    expect(parseGrpcTimeout('1000u')).toBe(1);
    expect(parseGrpcTimeout('1001u')).toBe(2);
    expect(parseGrpcTimeout('1000000n')).toBe(1);
    expect(parseGrpcTimeout('1000001n')).toBe(2);
    expect(parseGrpcTimeout('0n')).toBe(0);
    expect(parseGrpcTimeout('0u')).toBe(0);
  });

  it('accepts 8 digits in every unit, exactly', () => {
    expect(parseGrpcTimeout('99999999m')).toBe(99_999_999);
    expect(parseGrpcTimeout('99999999S')).toBe(99_999_999_000);
    expect(parseGrpcTimeout('99999999M')).toBe(5_999_999_940_000);
    expect(parseGrpcTimeout('99999999u')).toBe(100_000);
    expect(parseGrpcTimeout('99999999n')).toBe(100);
  });

  it('ignores lower-case h/s, whitespace, arrays of several values', () => {
    for (const v of ['1h', '1s', ' 1S', '1S ', '1 S', '1S\r\n', 'S', 'm']) expect(parseGrpcTimeout(v)).toBeUndefined();
    expect(parseGrpcTimeout(['1S'])).toBe(1_000);
    expect(parseGrpcTimeout(['1S', '2S'])).toBeUndefined();
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
  });
});

describe('formatGrpcTimeout', () => {
  it('writes the finest unit that fits in eight digits', () => {
    expect(formatGrpcTimeout(0)).toBe('0m');
    expect(formatGrpcTimeout(100)).toBe('100m');
    expect(formatGrpcTimeout(99_999_999)).toBe('99999999m');
    expect(formatGrpcTimeout(100_000_000)).toBe('100000S');
    expect(formatGrpcTimeout(99_999_999_000)).toBe('99999999S');
    expect(formatGrpcTimeout(99_999_999_001)).toBe('1666667M');
    expect(formatGrpcTimeout(2_160_000_000)).toBe('2160000S');
  });

  it('rounds up, never shorter than asked', () => {
    expect(formatGrpcTimeout(0.3)).toBe('1m');
    expect(formatGrpcTimeout(100_000_001)).toBe('100001S');
    for (const ms of [1, 999, 100_000_123, 7_777_777_777_777, 359_999_996_400_000]) {
      const back = parseGrpcTimeout(formatGrpcTimeout(ms))!;
      expect(back).toBeGreaterThanOrEqual(ms);
    }
  });

  it('clamps: negative is 0m, beyond the format is 99999999H', () => {
    expect(formatGrpcTimeout(-1)).toBe('0m');
    expect(formatGrpcTimeout(-Infinity)).toBe('0m');
    expect(formatGrpcTimeout(359_999_996_400_000)).toBe('99999999H');
    expect(formatGrpcTimeout(1e20)).toBe('99999999H');
    expect(formatGrpcTimeout(Infinity)).toBe('99999999H');
  });

  it('writes what parseGrpcTimeout reads back to the same vectors', () => {
    for (const v of vectors['grpc-timeout']) {
      if (v.ms === null) continue;
      expect(parseGrpcTimeout(formatGrpcTimeout(v.ms))).toBe(v.ms);
    }
  });

  it('throws for a non-number or NaN, naming the argument', () => {
    expect(() => formatGrpcTimeout(Number.NaN)).toThrow(/formatGrpcTimeout: argument "ms" is NaN/);
    expect(() => formatGrpcTimeout(null as never)).toThrow(TypeError);
  });
});

describe('parseRequestId (x-request-id)', () => {
  for (const v of vectors['x-request-id']) {
    it(`${name(v)} is ${v.accept ? 'accepted' : 'rejected'}`, () => {
      expect(parseRequestId(v.in)).toBe(v.accept ? v.in : undefined);
      expect(isValidRequestId(v.in)).toBe(v.accept);
    });
  }

  it('rejects CR, LF and every other control character (they cannot be sent by fetch)', () => {
    for (const c of ['\r', '\n', '\r\n', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028']) {
      expect(parseRequestId(`a${c}b`)).toBeUndefined();
      expect(parseRequestId(`ab${c}`)).toBeUndefined(); // a trailing newline too ($ is end of input)
    }
  });

  it('rejects a 10 KB id without echoing any part of it', () => {
    expect(parseRequestId('a'.repeat(10 * 1024))).toBeUndefined();
    const fresh = requestIdOrNew('a'.repeat(10 * 1024));
    expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reads a one-element array as its value, and several values as none', () => {
    expect(parseRequestId(['abc'])).toBe('abc');
    expect(parseRequestId(['abc', 'abc'])).toBeUndefined();
    expect(parseRequestId([])).toBeUndefined();
    expect(parseRequestId(null)).toBeUndefined();
    expect(parseRequestId(undefined)).toBeUndefined();
    expect(parseRequestId(42 as never)).toBeUndefined();
  });
});

describe('requestIdOrNew', () => {
  it('keeps a valid id', () => {
    expect(requestIdOrNew('abc-123')).toBe('abc-123');
  });

  it('replaces every rejected vector with a fresh UUID, a different one each time', () => {
    const seen = new Set<string>();
    for (const v of vectors['x-request-id'].filter((x) => !x.accept)) {
      const id = requestIdOrNew(v.in);
      expect(id).not.toBe(v.in);
      expect(isValidRequestId(id)).toBe(true);
      expect(id).toHaveLength(36);
      seen.add(id);
    }
    expect(seen.size).toBe(vectors['x-request-id'].filter((x) => !x.accept).length);
  });
});

describe('outgoingDeadline', () => {
  it('is undefined when neither the context nor the call has a deadline', () => {
    expect(outgoingDeadline(background())).toBeUndefined();
    expect(outgoingDeadline(background(), Infinity)).toBeUndefined();
  });

  it('is the earlier of the two', () => {
    const at = Date.now() + 10_000;
    const [ctx, cancel] = withDeadline(background(), at);
    expect(outgoingDeadline(ctx)).toBe(at);
    expect(outgoingDeadline(ctx, at + 1)).toBe(at);
    expect(outgoingDeadline(ctx, at - 1)).toBe(at - 1);
    expect(outgoingDeadline(ctx, new Date(at - 2))).toBe(at - 2);
    expect(outgoingDeadline(background(), at - 3)).toBe(at - 3);
    cancel();
  });

  it('inherits the deadline through derived contexts', () => {
    const [outer, c1] = withTimeout(background(), 5_000);
    const [inner, c2] = withCancel(outer);
    expect(outgoingDeadline(inner)).toBe(outer.deadline()!.getTime());
    c2();
    c1();
  });

  it('throws for a bad context or deadline, naming the argument', () => {
    expect(() => outgoingDeadline(undefined as never)).toThrow(/outgoingDeadline: nil context \(argument "ctx"/);
    expect(() => outgoingDeadline(background(), Number.NaN)).toThrow(RangeError);
    expect(() => outgoingDeadline(background(), new Date(Number.NaN))).toThrow(/"callDeadline"/);
    expect(() => outgoingDeadline(background(), '1' as never)).toThrow(TypeError);
  });
});

describe('remainingMs', () => {
  it('rounds up to a whole millisecond and never goes below zero', () => {
    expect(remainingMs(1_000.2, 0)).toBe(1_001);
    expect(remainingMs(1_000, 999.9)).toBe(1);
    expect(remainingMs(1_000, 1_000)).toBe(0);
    expect(remainingMs(1_000, 5_000)).toBe(0);
    expect(remainingMs(Infinity, 0)).toBe(Infinity);
  });

  it('reads the clock at the call, so fake timers apply', () => {
    vi.useFakeTimers({ now: 50_000 });
    expect(remainingMs(50_250)).toBe(250);
    vi.advanceTimersByTime(100);
    expect(remainingMs(50_250)).toBe(150);
  });

  it('throws for NaN or a non-number, naming the argument', () => {
    expect(() => remainingMs(Number.NaN)).toThrow(/"deadlineMs" is NaN/);
    expect(() => remainingMs(1, 'now' as never)).toThrow(/"now" must be a number/);
  });
});
