/**
 * The wire format: how a request id and a deadline cross a process
 * boundary. Every integration (fetch, web-standard handlers, node:http,
 * Express, gRPC) parses and formats through this one module, so they accept
 * and reject exactly the same values.
 *
 * - Request id: header / metadata key `x-request-id`. Accepted only if it is
 *   1–128 characters from `A-Z a-z 0-9 - _ . : + / =`; anything else
 *   (absent, empty, too long, spaces, control or non-ASCII characters,
 *   several values) is replaced by a fresh `crypto.randomUUID()` and never
 *   echoed.
 * - Deadline over HTTP: the remaining budget in whole milliseconds, in the
 *   Connect protocol's `connect-timeout-ms` header (1–10 ASCII digits).
 *   Relative, not absolute: the clocks of two hosts disagree.
 * - Deadline over gRPC: `grpc-timeout`, 1–8 ASCII digits and a unit
 *   (H hours, M minutes, S seconds, m milliseconds, u microseconds,
 *   n nanoseconds).
 *
 * Parsers never throw on what a peer sent: a malformed value reads as
 * `undefined` ("not given"), never as NaN, a negative number or a budget
 * that would wrap a timer. Formatters throw on a programmer's bad argument.
 *
 * Runtime-agnostic: no `node:` imports.
 */
import type { Context } from '../index.js';
import { checkContext, kind } from './check.js';

/** The request-id header (HTTP) and metadata key (gRPC). Lower case, as HTTP/2 and gRPC require. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** The HTTP header carrying the remaining budget in milliseconds (the Connect protocol's). */
export const TIMEOUT_HEADER = 'connect-timeout-ms';
/** The gRPC metadata key carrying the remaining budget. */
export const GRPC_TIMEOUT_HEADER = 'grpc-timeout';
/** The largest budget `connect-timeout-ms` can carry: ten digits, about 115 days. */
export const MAX_TIMEOUT_MS = 9_999_999_999;

/** The largest `grpc-timeout` amount: eight digits. */
const MAX_GRPC_AMOUNT = 99_999_999;

/** A header value as runtimes hand it over: a string, several lines as an array, or nothing. */
export type HeaderValue = string | readonly string[] | null | undefined;

const REQUEST_ID = /^[A-Za-z0-9\-_.:+/=]{1,128}$/;

/**
 * The single value of a header, or undefined when there is none or several.
 * A one-element array is one value (gRPC metadata and Node's
 * `headersDistinct` hand headers over as arrays); a longer one is several
 * values, which the wire format rejects even when they are equal.
 */
function single(v: HeaderValue): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0] as string;
  return undefined;
}

/**
 * Returns `v` if it is an acceptable request id, else `undefined`.
 *
 * Acceptable: exactly one value of 1–128 characters, each one of
 * `A-Z a-z 0-9 - _ . : + / =`. Rejected: absent, empty, too long,
 * whitespace, CR/LF or any other control character, non-ASCII, and several
 * values (Node and fetch join repeated header lines with ", ", which the
 * character set already excludes; an array of more than one value is
 * rejected too). A rejected id must not be echoed or logged as received.
 */
export function parseRequestId(v: HeaderValue): string | undefined {
  const s = single(v);
  return s !== undefined && REQUEST_ID.test(s) ? s : undefined;
}

/**
 * Returns `v` if it is an acceptable request id (see
 * {@link parseRequestId}), otherwise a fresh one from
 * `crypto.randomUUID()`. Never returns the rejected value.
 */
export function requestIdOrNew(v: HeaderValue): string {
  return parseRequestId(v) ?? crypto.randomUUID();
}

/** Whether `id` is a string the wire format accepts as a request id. */
export function isValidRequestId(id: unknown): id is string {
  return typeof id === 'string' && REQUEST_ID.test(id);
}

/**
 * Returns the budget a `connect-timeout-ms` value grants, in milliseconds,
 * or `undefined` when the header must be ignored.
 *
 * Accepted: exactly one value of 1–10 ASCII digits (leading zeros allowed;
 * `0` means the budget is already spent). Ignored: a sign, a fraction, an
 * exponent, a unit, hex, 11 or more digits, non-ASCII digits, and several
 * values, even equal ones. The result is an integer in
 * [0, {@link MAX_TIMEOUT_MS}]: never NaN, negative or fractional.
 */
export function parseTimeoutMs(v: HeaderValue): number | undefined {
  const s = single(v);
  if (s === undefined || s.length === 0 || s.length > 10) return undefined;
  // By hand rather than a /^[0-9]{1,10}$/ test and Number(): this runs on every
  // request, and ten digits (< 2^34) add up exactly in a double.
  let ms = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    ms = ms * 10 + d;
  }
  return ms;
}

/**
 * Formats a budget for `connect-timeout-ms`: rounded up to whole
 * milliseconds (a peer is never told less time than there is, so it never
 * gives up first), then clamped to [0, {@link MAX_TIMEOUT_MS}]. `Infinity`
 * gives the maximum; a negative budget gives `"0"` (already spent).
 *
 * @throws {TypeError} if `ms` is not a number.
 * @throws {RangeError} if `ms` is NaN.
 */
export function formatTimeoutMs(ms: number): string {
  checkMs(ms, 'formatTimeoutMs');
  return String(Math.min(Math.max(Math.ceil(ms), 0), MAX_TIMEOUT_MS));
}

/** Milliseconds per `grpc-timeout` unit. */
const GRPC_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/**
 * Returns the budget a `grpc-timeout` value grants, in whole milliseconds
 * rounded up (`500u` is 1 ms, `1n` is 1 ms, `0m` is 0), or `undefined` when
 * it must be ignored.
 *
 * Accepted: exactly one value of 1–8 ASCII digits followed by one unit
 * letter, H M S m u or n. Ignored: no unit, an unknown unit, 9 or more
 * digits, a sign or a fraction. The largest value, `99999999H`, is about
 * 11,400 years and is returned exactly (3.6e14 ms): callers must not pass
 * it to a single `setTimeout`, which wraps above 2^31-1 ms (ctxkit's
 * deadlines do not).
 */
export function parseGrpcTimeout(v: HeaderValue): number | undefined {
  const s = single(v);
  if (s === undefined || s.length < 2 || s.length > 9) return undefined;
  // 1-8 ASCII digits and a unit, by hand rather than with a RegExp: a
  // server reads this on every call.
  const last = s.length - 1;
  let amount = 0;
  for (let i = 0; i < last; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    amount = amount * 10 + d;
  }
  switch (s[last]) {
    case 'H':
      return amount * 3_600_000; // exact: at most 99,999,999 h = 3.6e14 ms < 2^53
    case 'M':
      return amount * 60_000;
    case 'S':
      return amount * 1_000;
    case 'm':
      return amount;
    case 'u':
      return Math.ceil(amount / 1_000);
    case 'n':
      return Math.ceil(amount / 1_000_000);
    default:
      return undefined;
  }
}

/**
 * Formats a budget for `grpc-timeout`: rounded up to whole milliseconds,
 * then written in the finest of `m`, `S`, `M`, `H` whose amount fits in
 * eight digits, rounding up again, so the peer is never told less time than
 * `ms` (it may be told up to one unit more). A negative budget gives `"0m"`;
 * `Infinity` and anything beyond the format's range give `"99999999H"`.
 * Budgets are whole milliseconds on the way out (`u` and `n` are only
 * parsed), as gRPC implementations in JavaScript do.
 *
 * @throws {TypeError} if `ms` is not a number.
 * @throws {RangeError} if `ms` is NaN.
 */
export function formatGrpcTimeout(ms: number): string {
  checkMs(ms, 'formatGrpcTimeout');
  const whole = Math.max(Math.ceil(ms), 0);
  for (const unit of ['m', 'S', 'M', 'H'] as const) {
    const amount = Math.ceil(whole / GRPC_UNITS[unit]!);
    if (amount <= MAX_GRPC_AMOUNT) return `${amount}${unit}`;
  }
  return `${MAX_GRPC_AMOUNT}H`;
}

/**
 * The deadline an outgoing call must carry, as epoch milliseconds: the
 * earlier of `ctx`'s deadline and the call's own (`callDeadline`, epoch ms
 * or a Date), or `undefined` when neither is set. An infinite `callDeadline`
 * means the call has none of its own.
 *
 * It does not look at `ctx.err()`: a caller checks that first and never
 * sends a call whose context is already done.
 *
 * @throws {TypeError} if `ctx` is not a Context, or `callDeadline` is
 *   neither a number, a Date nor undefined.
 * @throws {RangeError} if `callDeadline` is NaN or an invalid Date.
 */
export function outgoingDeadline(ctx: Context, callDeadline?: number | Date): number | undefined {
  checkContext(ctx, 'outgoingDeadline', 'ctx');
  let own: number | undefined;
  if (callDeadline !== undefined) {
    own = callDeadline instanceof Date ? callDeadline.getTime() : callDeadline;
    if (typeof own !== 'number') {
      throw new TypeError(
        `ctxkit.outgoingDeadline: argument "callDeadline" must be epoch milliseconds or a Date, got ${kind(callDeadline)}`,
      );
    }
    if (Number.isNaN(own)) throw new RangeError('ctxkit.outgoingDeadline: argument "callDeadline" is NaN or an invalid Date');
    if (own === Infinity) own = undefined;
  }
  const fromCtx = ctx.deadline()?.getTime();
  if (fromCtx === undefined) return own;
  if (own === undefined) return fromCtx;
  return Math.min(fromCtx, own);
}

/**
 * The milliseconds left until `deadlineMs` (epoch ms), rounded up to a
 * whole millisecond and never negative: 0 means the time is up. `now`
 * defaults to `Date.now()`, read at the call (fake clocks apply).
 * `Infinity` gives `Infinity`.
 *
 * @throws {TypeError} if `deadlineMs` or `now` is not a number.
 * @throws {RangeError} if either is NaN, or `now` is not finite.
 */
export function remainingMs(deadlineMs: number, now: number = Date.now()): number {
  checkMs(deadlineMs, 'remainingMs', 'deadlineMs');
  checkMs(now, 'remainingMs', 'now');
  // A clock reading is finite; an infinite one would give NaN (Infinity - Infinity) or a budget from nowhere.
  if (!Number.isFinite(now)) throw new RangeError(`ctxkit.remainingMs: argument "now" must be finite, got ${now}`);
  return Math.max(Math.ceil(deadlineMs - now), 0);
}

function checkMs(ms: unknown, fn: string, arg = 'ms'): asserts ms is number {
  if (typeof ms !== 'number') throw new TypeError(`ctxkit.${fn}: argument "${arg}" must be a number of milliseconds, got ${kind(ms)}`);
  if (Number.isNaN(ms)) throw new RangeError(`ctxkit.${fn}: argument "${arg}" is NaN`);
}
