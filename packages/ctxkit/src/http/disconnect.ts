/**
 * The cause a request context reports when the client went away before the
 * response was sent, so a handler (and its logs) can tell "the client left"
 * from "we finished" (cause `Canceled`) and "we ran out of time"
 * (`DeadlineExceeded`).
 */
import { causeChainHas } from './cause-chain.js';
import { shared } from './shared.js';

/** This copy's class; the exported one is the first copy's (see shared.ts). */
class OwnClientDisconnectedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('client disconnected before the response was sent', options);
  }
}
Object.defineProperty(OwnClientDisconnectedError.prototype, 'name', {
  value: 'ClientDisconnectedError',
  writable: true,
  enumerable: false,
  configurable: true,
});

/**
 * The `cause()` of a request context whose client disconnected before the
 * response was sent (its `err()` is `Canceled`): `name`
 * "ClientDisconnectedError", message "client disconnected before the
 * response was sent". One class per process, shared by the ESM and
 * CommonJS builds, so `instanceof` holds across them.
 */
export const ClientDisconnectedError: typeof OwnClientDisconnectedError = shared(
  'ClientDisconnectedError',
  OwnClientDisconnectedError,
);
export type ClientDisconnectedError = OwnClientDisconnectedError;

/**
 * Whether `err` is, or reaches through `.cause` links, a
 * {@link ClientDisconnectedError}. Use it on `cause(ctx)` or on an error a
 * handler caught. Terminates on cyclic chains.
 */
export function isClientDisconnected(err: unknown): boolean {
  return causeChainHas(err, ClientDisconnectedError);
}
