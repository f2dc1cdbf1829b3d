/**
 * Reading `grpc-timeout` as gRPC defines it, on a grpc-js server.
 *
 * grpc-js parses the header itself, before any handler or interceptor
 * runs, and then removes it from the metadata. Its parser multiplies and
 * truncates to 32 bits, so a budget above 2^31-1 ms (about 24.8 days)
 * wraps: `600H` becomes a negative timeout and the call fails at once with
 * DEADLINE_EXCEEDED, `99999999H` a timer that fires after 1.5 days instead
 * of 11,400 years. Its pattern is not anchored either, so `1.5S` reads as
 * `5S` and `123456789m` as `23456789m`.
 *
 * {@link fixGrpcTimeout} reads the header first, where grpc-js reads it:
 * on the HTTP/2 server's `stream` event, through a listener placed before
 * grpc-js's own. It records the deadline the header grants for the handler
 * wrappers, and takes away from grpc-js a value grpc-js would misread.
 * grpc-js offers no public hook at that point; this one uses its server's
 * `createHttp2Server` method and `http2Servers` map, present in every
 * version since 1.10, and fails loudly if they are missing.
 */
import type { Server } from '@grpc/grpc-js';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { kind, readable } from '../http/check.js';
import { GRPC_TIMEOUT_HEADER, parseGrpcTimeout } from '../http/index.js';
import { shared } from '../http/shared.js';

/**
 * The metadata key under which the deadline read from `grpc-timeout`
 * reaches the handler wrappers (removed before a handler sees the
 * metadata). Its value is `<token>:<epoch ms>`, or `<token>:` when the
 * header was absent or malformed: the per-process token tells a value
 * written here from one a client sent.
 */
export const DEADLINE_KEY = 'ctxkit-grpc-deadline';

/** Random, per process (shared by the ESM and CommonJS builds). */
const TOKEN: string = shared('grpc.deadlineToken', crypto.randomUUID());

/** What every recorded value starts with. */
const PREFIX = `${TOKEN}:`;

/** The longest timeout a Node timer (and grpc-js's parser) handles: 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const PATCHED: unique symbol = Symbol.for('ctxkit.grpc.fixGrpcTimeout') as never;

interface GrpcServerInternals {
  createHttp2Server?: (this: unknown, ...args: unknown[]) => Http2ServerLike;
  http2Servers?: Map<Http2ServerLike, unknown>;
  [PATCHED]?: true;
}
interface Http2ServerLike {
  prependListener(event: 'stream', listener: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): unknown;
}

/**
 * Makes `server` read `grpc-timeout` as gRPC defines it (1–8 digits and a
 * unit H, M, S, m, u or n), instead of grpc-js's parser, which wraps
 * budgets above about 24.8 days into an immediate DEADLINE_EXCEEDED or a
 * timer that fires months early, and misreads malformed values. Returns
 * `server`.
 *
 * After it, for every call on `server`:
 * - the handler wrappers ({@link wrapUnary} and the others) take the
 *   deadline from the header as read here, relative to the moment the call
 *   arrived, and honour any budget up to `99999999H` without a wrapped or
 *   early timer;
 * - a budget grpc-js reads correctly (up to 2^31-1 ms) is left to grpc-js
 *   too, so it still ends calls whose handlers ignore their context;
 * - a longer budget, and a malformed value (ignored: the server's own
 *   budget applies), are removed before grpc-js sees them.
 *
 * Call it once per server, before or after `bindAsync`; calling it again
 * does nothing. Without it the wrappers use grpc-js's reading
 * (`call.getDeadline()`), which is right for budgets below 24.8 days.
 *
 * @throws {TypeError} if `server` is not a grpc-js Server.
 * @throws {Error} if this version of @grpc/grpc-js lacks the internals it
 *   needs (versions before 1.10).
 * @example
 * const server = fixGrpcTimeout(new Server());
 * server.addService(service, wrapService(service, impl));
 */
export function fixGrpcTimeout<S extends Server>(server: S): S {
  if (server === null || typeof server !== 'object' || !readable(() => typeof (server as Partial<Server>).addService === 'function')) {
    throw new TypeError(`ctxkit.fixGrpcTimeout: argument "server" must be a grpc-js Server, got ${kind(server)}`);
  }
  const s = server as unknown as GrpcServerInternals;
  if (s[PATCHED] === true) return server;
  const create = s.createHttp2Server;
  if (typeof create !== 'function' || !(s.http2Servers instanceof Map)) {
    throw new Error(
      'ctxkit.fixGrpcTimeout: this version of @grpc/grpc-js has no createHttp2Server/http2Servers on its Server (1.10 or later is required)',
    );
  }
  // HTTP/2 servers made from now on (bindAsync, createConnectionInjector) ...
  s.createHttp2Server = function (this: unknown, ...args: unknown[]): Http2ServerLike {
    const h = create.apply(this, args);
    h.prependListener('stream', readTimeout);
    return h;
  };
  // ... and those already bound.
  for (const h of s.http2Servers.keys()) h.prependListener('stream', readTimeout);
  Object.defineProperty(s, PATCHED, { value: true });
  return server;
}

/**
 * Runs before grpc-js sees `headers` (the same object is handed to every
 * `stream` listener). Never throws: a peer's bad header is ignored.
 */
function readTimeout(_stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  const raw = headers[GRPC_TIMEOUT_HEADER];
  const ms = raw === undefined ? undefined : parseGrpcTimeout(raw);
  headers[DEADLINE_KEY] = ms === undefined ? PREFIX : PREFIX + (Date.now() + ms);
  if (raw !== undefined && (ms === undefined || ms > MAX_TIMER_MS)) delete headers[GRPC_TIMEOUT_HEADER];
}

/**
 * The deadline recorded by {@link fixGrpcTimeout} for a call, from the
 * value of {@link DEADLINE_KEY} in its metadata: epoch ms; `null` when the
 * header was absent or ignored; `undefined` when nothing (or something
 * forged) was recorded, i.e. the server was not fixed.
 */
export function recordedDeadline(values: readonly unknown[]): number | null | undefined {
  if (values.length !== 1 || typeof values[0] !== 'string') return undefined;
  const v = values[0];
  if (!v.startsWith(PREFIX)) return undefined;
  const n = v.length - PREFIX.length;
  if (n === 0) return null;
  if (n > 16) return undefined;
  // 1-16 ASCII digits, by hand: this runs on every call.
  let ms = 0;
  for (let i = PREFIX.length; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    ms = ms * 10 + d;
  }
  return ms;
}
