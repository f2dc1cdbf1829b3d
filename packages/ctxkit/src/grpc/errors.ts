/**
 * The cause a gRPC handler's context reports when the call ended before the
 * handler completed it: the client cancelled, its deadline fired on its
 * side, or the connection dropped. It lets a handler (and its logs) tell
 * "the client left" from "we finished" (cause `Canceled`) and "we ran out
 * of time" (`DeadlineExceeded`).
 */
import { causeChainHas } from '../http/cause-chain.js';
import { shared } from '../http/shared.js';

/** This copy's class; the exported one is the first copy's (see shared.ts in ctxkit/http). */
class OwnClientCancelledError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('client cancelled the call or went away before it completed', options);
  }
}
Object.defineProperty(OwnClientCancelledError.prototype, 'name', {
  value: 'ClientCancelledError',
  writable: true,
  enumerable: false,
  configurable: true,
});

/**
 * The `cause()` of a handler context whose call ended before the handler
 * completed it (its `err()` is `Canceled`): the client cancelled the call
 * or went away. `name` "ClientCancelledError". One class per process,
 * shared by the ESM and CommonJS builds, so `instanceof` holds across them.
 */
export const ClientCancelledError: typeof OwnClientCancelledError = shared('grpc.ClientCancelledError', OwnClientCancelledError);
export type ClientCancelledError = OwnClientCancelledError;

/**
 * Whether `err` is, or reaches through `.cause` links, a
 * {@link ClientCancelledError}. Use it on `cause(ctx)` or on an error a
 * handler caught. Terminates on cyclic chains.
 */
export function isClientCancelled(err: unknown): boolean {
  return causeChainHas(err, ClientCancelledError);
}
