/**
 * The call that is never sent: what {@link contextInterceptor} puts in
 * place of a real one when the context is already done, so the call fails
 * locally, asynchronously, exactly as a call failing on the wire does (the
 * callback or the `error` event, never a synchronous throw).
 */
import { Metadata, type NextCall, type StatusObject } from '@grpc/grpc-js';

/** The interface grpc-js's interceptor chain calls on the next call down. */
type InterceptingCallInterface = ReturnType<NextCall>;
type StartListener = Parameters<InterceptingCallInterface['start']>[1];

/** A status carrying the context error that caused it (it becomes the client error's `cause`). */
export type StatusWithCause = StatusObject & { cause?: unknown };

/**
 * Returns a call that sends nothing and reports `status` to its listener
 * on the next tick after `start`. Messages, half-close and cancellation
 * are ignored: there is nothing to send them on.
 */
export function failedCall(status: StatusWithCause): InterceptingCallInterface {
  let started = false;
  return {
    start(_metadata: Metadata, listener?: StartListener): void {
      if (started) return;
      started = true;
      // Next tick, as grpc-js reports its own local failures: a callback
      // never runs inside the call that registered it.
      process.nextTick(() => listener?.onReceiveStatus?.(status));
    },
    cancelWithStatus(): void {},
    getPeer(): string {
      return 'unknown';
    },
    sendMessageWithContext(): void {},
    sendMessage(): void {},
    startRead(): void {},
    halfClose(): void {},
    getAuthContext() {
      return null;
    },
  };
}

/** A fresh status object for a call failed by its context. */
export function localStatus(code: number, details: string, cause: unknown): StatusWithCause {
  return { code, details, metadata: new Metadata(), cause };
}
