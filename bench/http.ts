/**
 * ctxkit/node over node:http: requests/s of a server whose handler is
 * wrapped by `withRequestContext` (a request context per request: request
 * id read and echoed, a deadline from `connect-timeout-ms`, a `close`
 * listener, the context bound as `current()`), against the same handler
 * on a bare `http.createServer`. Goal: within 5% of bare. For scale, a
 * third server runs the bare handler inside `AsyncLocalStorage.run` only:
 * the share of the cost that is Node's, not ctxkit's.
 *
 * Each server runs in its own child process on 127.0.0.1 (plain
 * JavaScript importing the built package, as a user's server would);
 * autocannon drives it from this process with 10 connections, sending
 * `x-request-id` and `connect-timeout-ms` to all. After a 1 s warm-up of
 * each, the variants run 3 s each, twice, alternating; the best run of
 * each counts (noise only ever lowers a figure). The server's CPU time per
 * request is reported too: on a small or shared machine, where autocannon
 * competes with the server for cores, it is the steadier figure, though not
 * independent of throughput: a slower server reads fewer requests per wake-up
 * and pays more per request for the event loop and the socket.
 *
 * Part of `npm run bench`; alone: npm run build && node --import tsx bench/http.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Row } from './table.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const CONNECTIONS = 10;
const WARMUP_S = 1;
const RUN_S = 3;
const ROUNDS = 2;
const START_TIMEOUT_MS = 10_000;

/** A server in a child process, started from JavaScript source; it reports its port over IPC. */
export interface ChildServer {
  port: number;
  /** CPU time (user + system) the server process has used so far, in µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Appended to every child server: answers CPU-time queries, exits with its parent. */
const CHILD_FOOTER = `
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send({ cpu: u.user + u.system });
  }
});
process.on('disconnect', () => process.exit(0));
`;

/**
 * Starts `source` (an ES module that listens on 127.0.0.1 port 0 and then
 * calls `process.send({ port })`) in a child node process whose working
 * directory is the repository, so bare imports ('ctxkit/node',
 * '@grpc/grpc-js') resolve to the built package and its peers. The child
 * exits when this process goes away.
 */
export function startChildServer(name: string, source: string): Promise<ChildServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--input-type=module', '-e', source + CHILD_FOOTER],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const stop = (): Promise<void> =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 2_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench server "${name}" did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const cpuMicros = (): Promise<number> =>
      new Promise((answer, fail) => {
        child.once('message', (m: { cpu: number }) => answer(m.cpu));
        child.send('cpu', (err) => err && fail(err));
      });
    child.once('message', (msg: { port: number }) => {
      clearTimeout(timer);
      resolve({ port: msg.port, cpuMicros, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bench server "${name}" exited (${code ?? signal}) before it was ready`));
    });
  });
}

const handler = `(req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
}`;

const BARE = `
import { createServer } from 'node:http';
const server = createServer(${handler});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

/** Only the AsyncLocalStorage part of what withRequestContext does, for its share of the cost. */
const ALS = `
import { createServer } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
const storage = new AsyncLocalStorage();
const handler = ${handler};
const server = createServer((req, res) => storage.run({}, handler, req, res));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

const CTXKIT = `
import { createServer } from 'node:http';
import { withRequestContext } from 'ctxkit/node';
const server = createServer(withRequestContext(${handler}, { maxTimeoutMs: 10_000 }));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

/** One run's figures: throughput, and CPU time per operation of the server (and of the client, when measured). */
export interface RunFigures {
  perSecond: number;
  cpuMicrosPerOp: number;
  clientCpuMicrosPerOp?: number;
}

/** The best of several runs: the highest throughput, the lowest CPU per operation (noise only ever worsens either). */
export function best(runs: readonly RunFigures[]): RunFigures {
  const client = runs.map((r) => r.clientCpuMicrosPerOp ?? Infinity);
  return {
    perSecond: Math.max(...runs.map((r) => r.perSecond)),
    cpuMicrosPerOp: Math.min(...runs.map((r) => r.cpuMicrosPerOp)),
    ...(client.every(Number.isFinite) ? { clientCpuMicrosPerOp: Math.min(...client) } : {}),
  };
}

/** Drives `server` with autocannon for `seconds`; throws on any error or non-2xx answer. */
async function run(server: ChildServer, seconds: number): Promise<RunFigures> {
  const cpu0 = await server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 5,
    headers: { 'x-request-id': 'bench-7f3c9a', 'connect-timeout-ms': '5000' },
  });
  const cpu1 = await server.cpuMicros();
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`autocannon: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  }
  return { perSecond: result.requests.total / result.duration, cpuMicrosPerOp: (cpu1 - cpu0) / result.requests.total };
}

/**
 * Warms each server up, then runs them alternately, `rounds` times each,
 * and returns the best figures of each.
 */
export async function alternate<K extends string>(
  variants: Record<K, () => Promise<RunFigures>>,
  warmup: Record<K, () => Promise<RunFigures>>,
  rounds: number,
): Promise<Record<K, RunFigures>> {
  const names = Object.keys(variants) as K[];
  for (const k of names) await warmup[k]();
  const runs = Object.fromEntries(names.map((k) => [k, [] as RunFigures[]])) as Record<K, RunFigures[]>;
  for (let r = 0; r < rounds; r++) for (const k of names) runs[k].push(await variants[k]());
  return Object.fromEntries(names.map((k) => [k, best(runs[k])])) as Record<K, RunFigures>;
}

/** The node:http suite of `npm run bench`. */
export async function httpBench(): Promise<Row[]> {
  const servers: ChildServer[] = [];
  try {
    const bare = await startChildServer('bare node:http', BARE);
    servers.push(bare);
    const als = await startChildServer('AsyncLocalStorage only', ALS);
    servers.push(als);
    const ctxkit = await startChildServer('ctxkit/node', CTXKIT);
    servers.push(ctxkit);
    const r = await alternate(
      { bare: () => run(bare, RUN_S), als: () => run(als, RUN_S), ctxkit: () => run(ctxkit, RUN_S) },
      { bare: () => run(bare, WARMUP_S), als: () => run(als, WARMUP_S), ctxkit: () => run(ctxkit, WARMUP_S) },
      ROUNDS,
    );
    const ratio = r.ctxkit.perSecond / r.bare.perSecond;
    return [
      {
        operation: `node:http: withRequestContext, ${CONNECTIONS} connections (best of ${ROUNDS} x ${RUN_S} s)`,
        value: r.ctxkit.perSecond,
        unit: 'req/s',
        reference: { name: 'bare http.createServer', value: r.bare.perSecond },
        ratio,
        goal: '>= 0.95x bare (within 5%)',
        pass: ratio >= 0.95,
      },
      {
        operation: 'node:http: server CPU per request, withRequestContext',
        value: r.ctxkit.cpuMicrosPerOp,
        unit: 'µs/req',
        reference: { name: 'bare http.createServer', value: r.bare.cpuMicrosPerOp },
      },
      {
        operation: "node:http: bare handler in AsyncLocalStorage.run (Node's share)",
        value: r.als.perSecond,
        unit: 'req/s',
        reference: { name: 'bare http.createServer', value: r.bare.perSecond },
        ratio: r.als.perSecond / r.bare.perSecond,
      },
      {
        // What ctxkit adds on top of the AsyncLocalStorage binding it needs for current().
        operation: "node:http: withRequestContext against the AsyncLocalStorage-only server (ctxkit's share)",
        value: r.ctxkit.perSecond,
        unit: 'req/s',
        reference: { name: 'bare handler in AsyncLocalStorage.run', value: r.als.perSecond },
        ratio: r.ctxkit.perSecond / r.als.perSecond,
      },
      {
        operation: 'node:http: server CPU per request, bare handler in AsyncLocalStorage.run',
        value: r.als.cpuMicrosPerOp,
        unit: 'µs/req',
        reference: { name: 'bare http.createServer', value: r.bare.cpuMicrosPerOp },
      },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { printTable } = await import('./table.js');
  printTable(await httpBench());
}
