/**
 * Passing a context to one gRPC call: {@link callOptions} puts it (and its
 * deadline) into the call's options, where {@link contextInterceptor}
 * finds it. grpc-js hands every call option, known or not, to the
 * interceptors, so the context rides along without any global state.
 */
import type { CallOptions, Deadline } from '@grpc/grpc-js';
import type { Context } from '../index.js';
import { checkContext, kind, readable } from '../http/check.js';
import { parseGrpcTimeout } from '../http/index.js';

/**
 * The call-option key under which a call's context travels. A global
 * symbol, so the ESM and CommonJS builds of ctxkit read each other's.
 */
export const CONTEXT_OPTION: unique symbol = Symbol.for('ctxkit.grpc.context') as never;

/** Call options that carry a context for {@link contextInterceptor}. */
export type ContextCallOptions = CallOptions & { [CONTEXT_OPTION]?: Context };

/**
 * The longest budget `grpc-timeout` can carry (`99999999H`, about 11,400
 * years). grpc-js throws when asked to send a deadline further away, so
 * such a deadline is sent as none: it is "never" in every practical sense,
 * and the context still cancels the call if it ever fires.
 */
const MAX_GRPC_BUDGET_MS = parseGrpcTimeout('99999999H')!;

/**
 * Call options for one call made on behalf of `ctx`: `opts` (not
 * modified) plus `ctx` itself, and `deadline` set to the earlier of `ctx`'s
 * deadline and `opts.deadline`, rounded up to a whole millisecond.
 *
 * The client (or the call) must have {@link contextInterceptor} installed:
 * it is what cancels the call with `ctx`, refuses to send a call whose
 * `ctx` is already done, and sends the request id. Without it only the
 * deadline takes effect. Do not add the interceptor through these options'
 * `interceptors` on a client that has interceptors of its own: grpc-js
 * replaces a client's interceptors by a call's.
 *
 * @throws {TypeError} if `ctx` is not a Context, `opts` is not an object,
 *   or `opts.deadline` is neither a Date nor a number.
 * @throws {RangeError} if `opts.deadline` is NaN or an invalid Date.
 * @example
 * client.getUser({ id }, callOptions(ctx), (err, user) => { ... });
 */
export function callOptions(ctx: Context, opts?: CallOptions): ContextCallOptions {
  checkContext(ctx, 'callOptions', 'ctx');
  let out: ContextCallOptions = { [CONTEXT_OPTION]: ctx };
  const copy = (): boolean => {
    out = { ...opts, [CONTEXT_OPTION]: ctx };
    return true;
  };
  // readable(): a revoked Proxy throws on the spread; it is a bad "opts", named as such.
  if (opts !== undefined && (opts === null || typeof opts !== 'object' || !readable(copy))) {
    throw new TypeError(`ctxkit.callOptions: argument "opts" must be call options (an object), got ${kind(opts)}`);
  }
  const deadline = callDeadline(ctx, out.deadline, 'callOptions', 'opts.deadline'); // the copy's: read once
  if (deadline !== undefined) out.deadline = deadline;
  return out;
}

/**
 * The deadline a call on behalf of `ctx` carries, in epoch milliseconds:
 * the earlier of `ctx`'s and `own`, rounded up to a whole millisecond;
 * `Infinity` (none) when that is beyond what `grpc-timeout` can express;
 * `undefined` when neither sets one.
 */
export function callDeadline(ctx: Context, own: Deadline | undefined, fn: string, arg: string): number | undefined {
  checkContext(ctx, fn, 'ctx');
  return callDeadlineFrom(ctx.deadline()?.getTime(), own, fn, arg);
}

/**
 * {@link callDeadline} for a caller that has already read the context's
 * deadline (`ctxDeadline`, epoch ms, or undefined for none): the
 * interceptor, which must not make a Date of it twice per call.
 */
export function callDeadlineFrom(ctxDeadline: number | undefined, own: Deadline | undefined, fn: string, arg: string): number | undefined {
  let d: number | undefined;
  if (own === undefined) d = ctxDeadline;
  else {
    let o: number;
    if (typeof own === 'number') {
      if (Number.isNaN(own)) throw new RangeError(`ctxkit.${fn}: "${arg}" is NaN`);
      o = own;
    } else if (own instanceof Date) {
      o = own.getTime();
      if (Number.isNaN(o)) throw new RangeError(`ctxkit.${fn}: "${arg}" is an invalid Date`);
    } else {
      throw new TypeError(`ctxkit.${fn}: "${arg}" must be a Date or epoch milliseconds, got ${kind(own)}`);
    }
    // An infinite deadline of the call's own is none (as outgoingDeadline reads it).
    if (o === Infinity) d = ctxDeadline;
    else d = ctxDeadline === undefined ? o : Math.min(ctxDeadline, o);
  }
  if (d === undefined) return undefined;
  if (d - Date.now() > MAX_GRPC_BUDGET_MS) return Infinity;
  return Math.ceil(d);
}
