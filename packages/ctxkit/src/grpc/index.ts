/**
 * ctxkit/grpc — contexts across @grpc/grpc-js calls (a peer dependency,
 * 1.10 or later).
 *
 * Client: {@link contextInterceptor} binds every call to a context, the
 * one passed with {@link callOptions} or the current one of ctxkit/node's
 * AsyncLocalStorage: its deadline, its cancellation and its request id go
 * out with the call, and a call whose context is already done is never
 * sent.
 *
 * Server: {@link wrapUnary}, {@link wrapClientStream},
 * {@link wrapServerStream}, {@link wrapBidi} (or {@link wrapService} for a
 * whole implementation) give each handler a context with the call's
 * deadline and request id, cancelled when the client cancels or goes away
 * and ended with cause `Canceled` when the call completes.
 * {@link fixGrpcTimeout} makes a server honour `grpc-timeout` budgets that
 * grpc-js itself misreads (above ~24.8 days).
 *
 * Built on the core's public API, the wire format of ctxkit/http and the
 * AsyncLocalStorage of ctxkit/node.
 *
 * @packageDocumentation
 */
export { type ContextInterceptorOptions, contextInterceptor } from './interceptor.js';
export { CONTEXT_OPTION, type ContextCallOptions, callOptions } from './call-options.js';
export { type ClientStreamContextHandler, type UnaryContextHandler, wrapClientStream, wrapUnary } from './wrap-unary.js';
export { type BidiContextHandler, type ServerStreamContextHandler, wrapBidi, wrapServerStream } from './wrap-stream.js';
export { type ContextHandler, type ContextServiceImplementation, wrapService } from './wrap-service.js';
export { fixGrpcTimeout } from './fix-grpc-timeout.js';
export { ClientCancelledError, isClientCancelled } from './errors.js';
export { type ContextStatusCode, statusFromContextError } from './status.js';
export type { ServerOptions } from '../http/index.js';
