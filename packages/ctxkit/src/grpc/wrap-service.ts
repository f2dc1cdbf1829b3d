/**
 * A whole service implementation at once: each method wrapped by the
 * wrapper its kind calls for, as the service definition declares it.
 */
import type { ServiceDefinition, UntypedHandleCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Context } from '../index.js';
import type { ServerOptions } from '../http/index.js';
import { checkServerOptions, kind, readable } from '../http/check.js';
import { type BidiContextHandler, type ServerStreamContextHandler, wrapBidi, wrapServerStream } from './wrap-stream.js';
import { type ClientStreamContextHandler, type UnaryContextHandler, wrapClientStream, wrapUnary } from './wrap-unary.js';

/**
 * Any handler that takes a context. `call` is left untyped here, so that
 * methods written inline get `ctx` typed without annotations; the
 * individual wrappers ({@link wrapUnary} and the others) type `call` too.
 */
export type ContextHandler = (call: any, ctx: Context) => unknown;

/** A service implementation whose methods take a context: method name → handler. */
export type ContextServiceImplementation = Record<string, ContextHandler>;

/**
 * Wraps every method of `impl` that `service` defines, choosing by the
 * definition's `requestStream` / `responseStream`: {@link wrapUnary},
 * {@link wrapClientStream}, {@link wrapServerStream} or {@link wrapBidi},
 * each with `options`. Methods are looked up by name, then by their
 * `originalName` (as `server.addService` does); a method `impl` lacks is
 * left out (grpc-js answers it UNIMPLEMENTED), and members of `impl` that
 * `service` does not define are ignored.
 *
 * @throws {TypeError} if `service` or `impl` is not an object, a member of
 *   `service` is not a method definition, a method `service` defines is
 *   present in `impl` but not a function, or `options` is not valid server
 *   options.
 * @throws {RangeError} if `options.maxTimeoutMs` is NaN or negative.
 * @example
 * server.addService(service, wrapService(service, {
 *   async getUser(call, ctx) { return db.user(ctx, call.request.id); },
 * }));
 */
export function wrapService(service: ServiceDefinition, impl: ContextServiceImplementation, options?: ServerOptions): UntypedServiceImplementation {
  // readable(): a revoked Proxy throws on the first read; it is a bad argument, named as such.
  let methods: Array<[string, ServiceDefinition[string]]> = [];
  if (service === null || typeof service !== 'object' || !readable(() => ((methods = Object.entries(service)), true))) {
    throw new TypeError(`ctxkit.wrapService: argument "service" must be a service definition, got ${kind(service)}`);
  }
  if (impl === null || typeof impl !== 'object' || !readable(() => (Object.keys(impl), true))) {
    throw new TypeError(`ctxkit.wrapService: argument "impl" must be an object of handlers, got ${kind(impl)}`);
  }
  const opts = checkServerOptions(options, 'wrapService');
  const out: UntypedServiceImplementation = {};
  for (const [name, def] of methods) {
    if (def === null || typeof def !== 'object' || typeof def.requestStream !== 'boolean' || typeof def.responseStream !== 'boolean') {
      throw new TypeError(`ctxkit.wrapService: "service.${name}" must be a method definition (with requestStream and responseStream), got ${kind(def)}`);
    }
    let h: unknown = impl[name];
    if (h === undefined && typeof def.originalName === 'string') h = impl[def.originalName];
    if (h === undefined) continue;
    if (typeof h !== 'function') {
      throw new TypeError(`ctxkit.wrapService: "impl.${name}" must be a function, got ${kind(h)}`);
    }
    out[name] = wrapOne(def.requestStream, def.responseStream, h as ContextHandler, opts);
  }
  return out;
}

function wrapOne(requestStream: boolean, responseStream: boolean, h: ContextHandler, opts: ServerOptions): UntypedHandleCall {
  if (requestStream && responseStream) return wrapBidi(h as BidiContextHandler, opts);
  if (requestStream) return wrapClientStream(h as ClientStreamContextHandler, opts);
  if (responseStream) return wrapServerStream(h as ServerStreamContextHandler, opts);
  return wrapUnary(h as UnaryContextHandler, opts);
}
