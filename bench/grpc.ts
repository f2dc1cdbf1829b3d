/**
 * ctxkit/grpc: unary calls/s through `contextInterceptor` (client) and
 * `wrapUnary` + `fixGrpcTimeout` (server), against the same call on bare
 * grpc-js. Goal: within 5% of bare.
 *
 * Like for like on the wire: both variants send a 5 s deadline and an
 * `x-request-id`. Bare sets them by hand (a `deadline` call option, a
 * Metadata); the ctxkit variant derives `withTimeout(requestCtx, 5_000)`
 * per call, passes it with `callOptions`, and cancels it when the call
 * returns, as a handler making an outgoing call would. Its server
 * handler receives a context per call. For scale, a third variant is the
 * bare call through a client with a pass-through interceptor: the share
 * of the cost that is grpc-js's interceptor machinery, not ctxkit's.
 *
 * Each server runs in its own child process on 127.0.0.1 (plain
 * JavaScript importing the built package); the client runs here and keeps
 * 32 calls in flight for a fixed time. After a 1 s warm-up of each, the
 * variants run 3 s each, twice, alternating; the best run of each counts.
 * CPU time per call is reported for the server and for the client (this
 * process): on a small or shared machine they are the steadier figures.
 *
 * Part of `npm run bench`; alone: npm run build && node --import tsx bench/grpc.ts
 */
import { fileURLToPath } from 'node:url';
import { InterceptingCall, type Interceptor, Metadata, type ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import type * as CtxkitGrpc from 'ctxkit/grpc';
import type * as CtxkitHttp from 'ctxkit/http';
import { ck } from './ctxkit.js';
import { type ChildServer, type RunFigures, alternate, startChildServer } from './http.js';
import type { Row } from './table.js';

// The built package, as bench/ctxkit.ts loads the core (tsx would resolve
// 'ctxkit/grpc' to the sources); it shares its chunks with dist/index.js.
const dist = (sub: string) => new URL(`../packages/ctxkit/dist/${sub}/index.js`, import.meta.url).href;
const { callOptions, contextInterceptor } = (await import(dist('grpc'))) as typeof CtxkitGrpc;
const { withRequestId } = (await import(dist('http'))) as typeof CtxkitHttp;
const { background, withTimeout } = ck;

const IN_FLIGHT = 32;
const WARMUP_MS = 1_000;
const RUN_MS = 3_000;
const ROUNDS = 2;
const CALL_BUDGET_MS = 5_000;
const REQUEST_ID = 'bench-7f3c9a';

const service = `{
  Echo: {
    path: '/bench.Echo/Echo', requestStream: false, responseStream: false,
    requestSerialize: (v) => Buffer.from(JSON.stringify(v)), requestDeserialize: (b) => JSON.parse(b.toString()),
    responseSerialize: (v) => Buffer.from(JSON.stringify(v)), responseDeserialize: (b) => JSON.parse(b.toString()),
  },
}`;
const echoService = {
  Echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    requestDeserialize: (b: Buffer) => JSON.parse(b.toString()),
    responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b: Buffer) => JSON.parse(b.toString()),
  },
};

const listen = `server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.send({ port });
});`;

const BARE = `
import { Server, ServerCredentials } from '@grpc/grpc-js';
const server = new Server();
server.addService(${service}, { Echo: (call, callback) => callback(null, call.request) });
${listen}
`;

const CTXKIT = `
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { fixGrpcTimeout, wrapUnary } from 'ctxkit/grpc';
const server = fixGrpcTimeout(new Server());
server.addService(${service}, { Echo: wrapUnary((call, _ctx) => call.request) });
${listen}
`;

type Call = () => Promise<void>;

/**
 * Keeps IN_FLIGHT calls going for `ms` and measures completed calls per
 * second and the CPU time per call of the server and of this process (the
 * client); throws on the first failed call.
 */
async function run(server: ChildServer, call: Call, ms: number): Promise<RunFigures> {
  let count = 0;
  const cpu0 = await server.cpuMicros();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await call();
      count++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const cpu1 = await server.cpuMicros();
  return {
    perSecond: count / (elapsed / 1000),
    cpuMicrosPerOp: (cpu1 - cpu0) / count,
    clientCpuMicrosPerOp: (client.user + client.system) / count,
  };
}

const Echo = makeGenericClientConstructor(echoService, 'Echo');
type EchoClient = InstanceType<typeof Echo> & { Echo: Function };
const request = { n: 1 };

function bareCall(client: EchoClient): Call {
  return () =>
    new Promise<void>((resolve, reject) => {
      const md = new Metadata();
      md.set('x-request-id', REQUEST_ID);
      client.Echo(request, md, { deadline: Date.now() + CALL_BUDGET_MS }, (err: ServiceError | null) => (err ? reject(err) : resolve()));
    });
}

function ctxkitCall(client: EchoClient): Call {
  const requestCtx = withRequestId(background(), REQUEST_ID); // the incoming request's context
  return () =>
    new Promise<void>((resolve, reject) => {
      const [ctx, cancel] = withTimeout(requestCtx, CALL_BUDGET_MS);
      client.Echo(request, callOptions(ctx), (err: ServiceError | null) => {
        cancel();
        if (err) reject(err);
        else resolve();
      });
    });
}

/** The gRPC suite of `npm run bench`. */
export async function grpcBench(): Promise<Row[]> {
  const servers: ChildServer[] = [];
  const clients: EchoClient[] = [];
  try {
    const bare = await startChildServer('bare grpc-js', BARE);
    servers.push(bare);
    const wrapped = await startChildServer('ctxkit/grpc', CTXKIT);
    servers.push(wrapped);
    const bareClient = new Echo(`127.0.0.1:${bare.port}`, credentials.createInsecure()) as EchoClient;
    const ctxkitClient = new Echo(`127.0.0.1:${wrapped.port}`, credentials.createInsecure(), {
      interceptors: [contextInterceptor()],
    }) as EchoClient;
    const passThrough: Interceptor = (options, nextCall) => new InterceptingCall(nextCall(options));
    const interceptedClient = new Echo(`127.0.0.1:${bare.port}`, credentials.createInsecure(), { interceptors: [passThrough] }) as EchoClient;
    clients.push(bareClient, ctxkitClient, interceptedClient);
    const variants = { bare: bareCall(bareClient), intercepted: bareCall(interceptedClient), ctxkit: ctxkitCall(ctxkitClient) };

    const r = await alternate(
      {
        bare: () => run(bare, variants.bare, RUN_MS),
        intercepted: () => run(bare, variants.intercepted, RUN_MS),
        ctxkit: () => run(wrapped, variants.ctxkit, RUN_MS),
      },
      {
        bare: () => run(bare, variants.bare, WARMUP_MS),
        intercepted: () => run(bare, variants.intercepted, WARMUP_MS),
        ctxkit: () => run(wrapped, variants.ctxkit, WARMUP_MS),
      },
      ROUNDS,
    );
    const ratio = r.ctxkit.perSecond / r.bare.perSecond;
    return [
      {
        operation: `grpc: unary, interceptor + wrapUnary, ${IN_FLIGHT} in flight (best of ${ROUNDS} x ${RUN_MS / 1000} s)`,
        value: r.ctxkit.perSecond,
        unit: 'calls/s',
        reference: { name: 'bare grpc-js unary', value: r.bare.perSecond },
        ratio,
        goal: '>= 0.95x bare (within 5%)',
        pass: ratio >= 0.95,
      },
      {
        operation: 'grpc: server CPU per call, wrapUnary + fixGrpcTimeout',
        value: r.ctxkit.cpuMicrosPerOp,
        unit: 'µs/call',
        reference: { name: 'bare grpc-js handler', value: r.bare.cpuMicrosPerOp },
      },
      {
        operation: 'grpc: client CPU per call, contextInterceptor + callOptions',
        value: r.ctxkit.clientCpuMicrosPerOp!,
        unit: 'µs/call',
        reference: { name: 'bare grpc-js client', value: r.bare.clientCpuMicrosPerOp! },
      },
      {
        operation: "grpc: bare call through a pass-through interceptor (grpc-js's share)",
        value: r.intercepted.perSecond,
        unit: 'calls/s',
        reference: { name: 'bare grpc-js unary', value: r.bare.perSecond },
        ratio: r.intercepted.perSecond / r.bare.perSecond,
      },
    ];
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { printTable } = await import('./table.js');
  printTable(await grpcBench());
}
