/**
 * The part of a request context every server integration shares (web
 * `Request` handlers, node:http, Express, and gRPC servers): the request id
 * and the deadline read from the wire, and the one way the context ends.
 */
import { type CancelCauseFunc, type CancelFunc, type Context, background, withCancelCause, withTimeout } from '../index.js';
import { type ServerOptions, checkMaxTimeoutMs } from './check.js';
import { withValidRequestId } from './request-id.js';
import { type HeaderValue, parseTimeoutMs, requestIdOrNew } from './wire.js';

/** A request context in the making. */
export interface IncomingRequest {
  /** The context handlers receive. */
  readonly ctx: Context;
  /** The request id in force: the client's if valid, else a fresh one. Echo this one. */
  readonly requestId: string;
  /**
   * Ends the request: cancels `ctx` (`err()` Canceled) with `cause` and
   * releases its deadline timer and its registration on the parent. Only
   * the first call counts.
   */
  end(cause: unknown): void;
}

/**
 * The budget a request gets: the client's `connect-timeout-ms` clamped to
 * the server's `maxTimeoutMs`; the server's alone when the header is
 * absent or malformed; `Infinity` when neither sets one. Never NaN or
 * negative.
 *
 * @throws {TypeError} if `maxTimeoutMs` is not a number.
 * @throws {RangeError} if `maxTimeoutMs` is NaN or negative.
 */
export function requestBudgetMs(timeoutHeader: HeaderValue, maxTimeoutMs = Infinity): number {
  // Exported: a caller's NaN would otherwise become a NaN deadline.
  checkMaxTimeoutMs(maxTimeoutMs, 'requestBudgetMs', 'argument "maxTimeoutMs"');
  const asked = parseTimeoutMs(timeoutHeader);
  return asked === undefined ? maxTimeoutMs : Math.min(asked, maxTimeoutMs);
}

/**
 * Makes the context of one incoming request:
 * `parent → WithValue(requestId) → WithCancel → WithDeadline (if a budget)`.
 * The request id is the client's when valid, else a fresh one; the deadline
 * is now + {@link requestBudgetMs} (a budget of 0 gives a context that is
 * already out of time, as Connect does). `options` must be validated.
 *
 * Per request it allocates the contexts and one small object: no closure
 * (this runs once per request on every server integration).
 */
export function beginRequest(options: ServerOptions, idHeader: HeaderValue, timeoutHeader: HeaderValue): IncomingRequest {
  const id = requestIdOrNew(idHeader);
  // `id` is valid by construction: no need for withRequestId's checks.
  const [scope, endScope] = withCancelCause(withValidRequestId(options.parent ?? background(), id));
  const budget = requestBudgetMs(timeoutHeader, options.maxTimeoutMs);
  if (budget === Infinity) return new Incoming(scope, id, endScope, undefined);
  const [ctx, cancelDeadline] = withTimeout(scope, budget);
  return new Incoming(ctx, id, endScope, cancelDeadline);
}

/** {@link IncomingRequest}'s one implementation: a class, so `end` is shared, not a closure per request. */
class Incoming implements IncomingRequest {
  readonly ctx: Context;
  readonly requestId: string;
  /** cancels the request's scope with a cause; idempotent */
  private readonly _endScope: CancelCauseFunc;
  /** releases the deadline child (its timer); undefined when there is no budget */
  private readonly _cancelDeadline: CancelFunc | undefined;
  constructor(ctx: Context, requestId: string, endScope: CancelCauseFunc, cancelDeadline: CancelFunc | undefined) {
    this.ctx = ctx;
    this.requestId = requestId;
    this._endScope = endScope;
    this._cancelDeadline = cancelDeadline;
  }
  end(cause: unknown): void {
    this._endScope(cause); // first, so the deadline child takes this cause
    if (this._cancelDeadline !== undefined) this._cancelDeadline();
  }
}
