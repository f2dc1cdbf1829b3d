/**
 * Web-standard request contexts on real Bun.serve and Deno.serve servers:
 * web-servers-fixture.js runs as its own process against the built package
 * (dist/http/index.js; `npm run build` first), wraps its handler in
 * `withRequestContext`, and reports what each request's context looked like
 * as JSON lines on stdout; this file drives it with real `fetch` clients
 * (and a raw socket for repeated header lines). Checked on each server:
 *
 * - the budget: `connect-timeout-ms` sets the deadline, clamped to
 *   `maxTimeoutMs`; a malformed value is ignored;
 * - the request id: a valid `x-request-id` is echoed and read back through
 *   `requestId(ctx)`; an invalid one is replaced by a UUID, never echoed;
 * - a client abort mid-request ends the handler's context (`Canceled`,
 *   cause a client disconnect), and how long that took;
 * - an answered request ends its context with cause `Canceled`, never a
 *   disconnect, even where the runtime aborts `request.signal` after every
 *   response.
 *
 * What the runtimes do with `request.signal` (Bun 1.4.5, Deno 2.9.6): both
 * abort it when the client goes away before the response. Bun leaves it
 * alone after a response. Deno.serve, by default ("legacy abort"), also
 * aborts it after every successful response, and prints once per process
 * to stderr "Deno.serve: request.signal aborts on successful responses
 * (legacy behavior)…" when a request whose signal was read (as
 * `withRequestContext` does) is answered; with `--unstable-no-legacy-abort`
 * it aborts only when the response could not be delivered, and prints
 * nothing. The Deno server runs both ways.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./web-servers-fixture.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/http/index.js', import.meta.url));
const BIN = fileURLToPath(new URL('../../../../node_modules/.bin/', import.meta.url));

/** The server's `maxTimeoutMs`. */
const MAX_TIMEOUT_MS = 1_500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface ServerCase {
  name: string;
  exe: string;
  args: string[];
  /** Whether the runtime aborts `request.signal` after a successful response. */
  abortsAfterResponse: boolean;
  /** Whether it says so on stderr. */
  warns: boolean;
}

const cases: ServerCase[] = [
  { name: 'Bun.serve', exe: BIN + 'bun', args: ['run'], abortsAfterResponse: false, warns: false },
  { name: 'Deno.serve', exe: BIN + 'deno', args: ['run', '-A'], abortsAfterResponse: true, warns: true },
  {
    name: 'Deno.serve --unstable-no-legacy-abort',
    exe: BIN + 'deno',
    args: ['run', '-A', '--unstable-no-legacy-abort'],
    abortsAfterResponse: false,
    warns: false,
  },
];

/** A JSON line the fixture printed. */
interface Seen {
  event: string;
  at: number;
  tag?: string;
  port?: number;
  version?: string;
  deadline?: number | null;
  remainingMs?: number | null;
  requestId?: string | null;
  err?: string | null;
  cause?: string | null;
  causeMessage?: string | null;
  causeIsErr?: boolean;
  disconnected?: boolean;
  signalReason?: string | null;
  signalAborted?: boolean;
}

class Server {
  readonly seen: Seen[] = [];
  stdout = '';
  stderr = '';
  port = 0;
  version = '';
  private waiters: Array<() => void> = [];
  private exited = false;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      this.stdout += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{')) this.seen.push(JSON.parse(line) as Seen);
      }
      this.wake();
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d));
    child.on('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first line matching `pred`, waiting up to `ms` for it. */
  next(pred: (s: Seen) => boolean, ms = 5_000): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no such line within ${ms} ms; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, ms);
      const check = (): void => {
        const s = this.seen.find(pred);
        if (s !== undefined) {
          clearTimeout(timer);
          resolve(s);
        } else if (this.exited) {
          clearTimeout(timer);
          reject(new Error(`server exited; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

async function startServer(c: ServerCase): Promise<Server> {
  // Nothing inherited from the test runner's own process (NODE_OPTIONS and the like).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  const child = spawn(c.exe, [...c.args, FIXTURE, String(MAX_TIMEOUT_MS), '60000'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const server = new Server(child);
  const listening = await server.next((s) => s.event === 'listening', 15_000);
  server.port = listening.port ?? 0;
  server.version = listening.version ?? '';
  return server;
}

/** Runs `f` with a fetch signal that gives up after `ms`. */
async function bounded<T>(ms: number, f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return f(AbortSignal.timeout(ms));
}

/** GET /observe with `headers`; the server's observation, the echoed id and the client's bracket. */
async function observe(server: Server, headers: HeadersInit) {
  const before = Date.now();
  const res = await bounded(5_000, (signal) => fetch(server.url('/observe'), { headers, signal }));
  const body = (await res.json()) as Seen;
  const after = Date.now();
  return { body, echoed: res.headers.get('x-request-id'), before, after };
}

/** One HTTP/1.1 request over a raw socket, with `lines` as header lines; the response head. */
function rawRequest(server: Server, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within 5 s: ${data}`));
    }, 5_000);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.write(['GET /observe HTTP/1.1', `Host: 127.0.0.1:${server.port}`, ...lines, 'Connection: close', '', ''].join('\r\n'));
  });
}

const report: string[] = [];
let tags = 0;

describe.each(cases)('withRequestContext on $name', (c) => {
  if (!existsSync(DIST)) throw new Error('build first: npm run build');
  if (!existsSync(c.exe)) throw new Error(`${c.exe} is missing: npm install`);
  let server: Server;

  beforeAll(async () => {
    server = await startServer(c);
  }, 20_000);

  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  describe('the budget', () => {
    it('connect-timeout-ms: 200 puts the deadline 200 ms after the request arrived', async () => {
      const r = await observe(server, { 'connect-timeout-ms': '200' });
      expect(r.body.err).toBeNull();
      // The context was made between the client's send and its receipt of the answer.
      expect(r.body.deadline).toBeGreaterThanOrEqual(r.before + 200 - 1);
      expect(r.body.deadline).toBeLessThanOrEqual(r.after + 200 + 1);
      expect(r.body.remainingMs).toBeGreaterThan(100);
      expect(r.body.remainingMs).toBeLessThanOrEqual(200);
    });

    it.each(['60000', '9999999999'])('connect-timeout-ms: %s is clamped to maxTimeoutMs', async (value) => {
      const r = await observe(server, { 'connect-timeout-ms': value });
      expect(r.body.deadline).toBeGreaterThanOrEqual(r.before + MAX_TIMEOUT_MS - 1);
      expect(r.body.deadline).toBeLessThanOrEqual(r.after + MAX_TIMEOUT_MS + 1);
    });

    it.each(['-200', '200.5', '200ms', '2e2', '0x10', '12345678901', '100, 200', ' '])(
      'a malformed connect-timeout-ms (%j) is ignored: the server budget applies',
      async (value) => {
        const r = await observe(server, { 'connect-timeout-ms': value });
        expect(r.body.err).toBeNull();
        expect(r.body.deadline).toBeGreaterThanOrEqual(r.before + MAX_TIMEOUT_MS - 1);
        expect(r.body.deadline).toBeLessThanOrEqual(r.after + MAX_TIMEOUT_MS + 1);
      },
    );

    it('no header: the server budget applies', async () => {
      const r = await observe(server, {});
      expect(r.body.deadline).toBeGreaterThanOrEqual(r.before + MAX_TIMEOUT_MS - 1);
      expect(r.body.deadline).toBeLessThanOrEqual(r.after + MAX_TIMEOUT_MS + 1);
    });

    it('connect-timeout-ms: 0 gives a context already out of time', async () => {
      const r = await observe(server, { 'connect-timeout-ms': '0' });
      expect(r.body.err).toBe('DeadlineExceeded');
    });
  });

  describe('the request id', () => {
    it('a valid x-request-id is echoed and read back through requestId(ctx)', async () => {
      const id = 'req-42.a:b+c/d=_' + 'x'.repeat(100);
      const r = await observe(server, { 'x-request-id': id });
      expect(r.body.requestId).toBe(id);
      expect(r.echoed).toBe(id);
    });

    it('without x-request-id the context gets a fresh UUID, echoed', async () => {
      const r = await observe(server, {});
      expect(r.body.requestId).toMatch(UUID);
      expect(r.echoed).toBe(r.body.requestId);
    });

    it.each([
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'a b'],
      ['markup', '<script>'],
      ['two values joined by fetch', ['a', 'b']],
    ])('an invalid x-request-id (%s) is replaced by a UUID and never echoed', async (_what, value) => {
      const headers = new Headers();
      for (const v of Array.isArray(value) ? value : [value]) headers.append('x-request-id', v);
      const sent = headers.get('x-request-id') ?? '';
      const r = await observe(server, headers);
      expect(r.body.requestId).toMatch(UUID);
      expect(r.echoed).toBe(r.body.requestId);
      expect(JSON.stringify(r.body)).not.toContain(sent);
      expect(server.stdout).not.toContain(sent);
    });

    it('two x-request-id header lines on the wire are rejected as several values', async () => {
      const head = await rawRequest(server, ['x-request-id: first-id', 'x-request-id: second-id']);
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      const echoed = /^x-request-id: *(.*?)\r$/im.exec(head)?.[1];
      expect(echoed).toMatch(UUID);
      expect(head).not.toContain('first-id');
      expect(head).not.toContain('second-id');
    });
  });

  describe('how the context ends', () => {
    it('a client abort mid-request cancels the handler’s context with a client-disconnect cause', async () => {
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const tag = `abort-${++tags}`;
        const ac = new AbortController();
        const failed = fetch(server.url(`/wait?tag=${tag}`), { signal: ac.signal }).then(
          () => 'answered',
          (err: Error) => err.name,
        );
        await server.next((s) => s.event === 'waiting' && s.tag === tag);
        const abortedAt = Date.now();
        ac.abort();
        expect(await failed).toBe('AbortError');
        const ended = await server.next((s) => s.event === 'ended' && s.tag === tag, 3_000);
        expect(ended.err).toBe('Canceled');
        expect(ended.cause).toBe('ClientDisconnectedError');
        expect(ended.causeMessage).toBe('client disconnected before the response was sent');
        expect(ended.disconnected).toBe(true);
        expect(ended.signalAborted).toBe(true);
        delays.push(ended.at - abortedAt);
      }
      delays.sort((a, b) => a - b);
      report.push(`${c.name} (${server.version}): client abort → ctx cancelled in ${delays.join(', ')} ms`);
      expect(delays[delays.length - 1]).toBeLessThan(1_000);
    });

    it('an answered request ends its context with cause Canceled, not a disconnect', async () => {
      const tag = `answer-${++tags}`;
      const res = await bounded(5_000, (signal) => fetch(server.url(`/answer?tag=${tag}`), { signal }));
      expect(await res.text()).toBe('ok\n');
      const ended = await server.next((s) => s.event === 'ended' && s.tag === tag);
      expect(ended.err).toBe('Canceled');
      expect(ended.cause).toBe('Canceled');
      expect(ended.causeIsErr).toBe(true);
      expect(ended.disconnected).toBe(false);
      // 200 ms later, after whatever the runtime does with request.signal.
      const later = await server.next((s) => s.event === 'later' && s.tag === tag);
      expect(later.cause).toBe('Canceled');
      expect(later.disconnected).toBe(false);
      expect(later.signalAborted).toBe(c.abortsAfterResponse);
      report.push(`${c.name}: request.signal aborted after a successful response: ${later.signalAborted ? 'yes' : 'no'}`);
    });

    it('stderr holds nothing but Deno’s one-time legacy-abort notice', () => {
      const lines = server.stderr.split('\n').filter((l) => l.trim() !== '');
      if (c.warns) {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^Deno\.serve: request\.signal aborts on successful responses \(legacy behavior\)/);
      } else {
        expect(lines).toEqual([]);
      }
    });
  });
});

afterAll(() => {
  if (report.length > 0) console.log(report.join('\n'));
});
