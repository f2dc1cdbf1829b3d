/**
 * Fixtures of the HTTP and Node integration tests: real node:http servers
 * on 127.0.0.1 (port 0), a tracker of pending timers, a user-written
 * context whose registrations are visible as listeners, and bounded waits.
 */
import { getEventListeners } from 'node:events';
import { type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from '../../src/index.js';
import { type TimerTracker, trackTimers as trackAll } from '../harness/timers.js';

export interface TestServer {
  readonly server: Server;
  readonly url: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts `listener` on 127.0.0.1 and an ephemeral port. */
export async function serve(listener: RequestListener): Promise<TestServer> {
  const server = createServer(listener);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with the result of `p`, or rejects after `ms` (a bounded wait, never a bare sleep). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}


/**
 * A user-written context over an AbortController, without `afterFunc`:
 * ctxkit can only watch it through a listener on its signal, so
 * `listeners()` shows whether anything derived from it is still
 * registered.
 */
export function foreignParent(): { ctx: Context; cancel(reason?: unknown): void; listeners(): number } {
  const ac = new AbortController();
  const ctx: Context = {
    deadline: () => undefined,
    get signal() {
      return ac.signal;
    },
    err: () => (ac.signal.aborted ? (ac.signal.reason as Error) : undefined),
    value: () => undefined,
  };
  return {
    ctx,
    cancel: (reason?: unknown) => ac.abort(reason),
    listeners: () => getEventListeners(ac.signal, 'abort').length,
  };
}

/** Every listener on `emitter`, over all event names. */
export function listenerTotal(emitter: NodeJS.EventEmitter): number {
  return emitter.eventNames().reduce((n, e) => n + emitter.listenerCount(e), 0);
}

/** Reads a request body to the end. */
export async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += String(chunk);
  return s;
}

/** Answers `res` with JSON. */
export function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends a GET with exactly the given header lines over a plain TCP socket
 * (no client-side validation: what fetch and node:http refuse to send is
 * sent as bytes), and reads the whole response. Latin-1 strings are sent
 * byte for byte, others as UTF-8.
 */
export async function rawGet(url: string, headerLines: Array<[string, string]>, path = '/'): Promise<RawResponse> {
  const { connect } = await import('node:net');
  const u = new URL(url);
  const latin1 = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) <= 0xff);
  const enc = (s: string): Buffer => Buffer.from(s, latin1(s) ? 'latin1' : 'utf8');
  const head = Buffer.concat([
    enc(`GET ${path} HTTP/1.1\r\nhost: ${u.host}\r\nconnection: close\r\n`),
    ...headerLines.map(([k, v]) => enc(`${k}: ${v}\r\n`)),
    enc('\r\n'),
  ]);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(u.port), u.hostname, () => socket.end(head));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let rest = body; ; ) {
      const nl = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, nl), 16);
      if (!size) break;
      out += rest.slice(nl + 2, nl + 2 + size);
      rest = rest.slice(nl + 2 + size + 2);
    }
    body = out;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

/** Timers ctxkit's own sources started that are still pending (fetch's housekeeping left out). */
export function trackTimers(): TimerTracker {
  return trackAll('/packages/ctxkit/src/');
}

/** What the fetch target saw of one request, and how its response ended. */
export interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  /** Resolves with true if the response closed before it finished (the client left). */
  closedEarly: Promise<boolean>;
  /** performance.now() at that close. */
  closedAt: Promise<number>;
}

/**
 * The server the fetch tests call: `/slow` answers after 5 s (or never,
 * once the client leaves), `/drip` sends headers and a first chunk and
 * then nothing, `/broken` dies mid-body, `/empty` is a 204, `/redirect`
 * points at `/hello`; anything else is a 201 "hello" with `x-answer: 42`.
 * Every request is recorded in `seen`, in arrival order.
 */
export async function fetchTarget(): Promise<{ srv: TestServer; seen: Seen[] }> {
  const seen: Seen[] = [];
  const srv = await serve((req, res) => {
    const early = deferred<boolean>();
    const at = deferred<number>();
    const path = new URL(req.url!, 'http://x').pathname;
    seen.push({ path, headers: req.headers, closedEarly: early.promise, closedAt: at.promise });
    res.on('close', () => {
      at.resolve(performance.now());
      early.resolve(!res.writableFinished);
    });
    if (path === '/slow') {
      const t = setTimeout(() => res.end('too late'), 5_000);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (path === '/drip') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      return;
    }
    if (path === '/broken') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('partial;', () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (path === '/empty') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: '/hello' }).end();
      return;
    }
    res.writeHead(201, { 'content-type': 'text/plain', 'x-answer': '42' });
    res.end('hello');
  });
  return { srv, seen };
}

