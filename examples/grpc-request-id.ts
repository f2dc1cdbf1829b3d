/**
 * One request id from HTTP to gRPC and back, and what a gRPC handler's
 * context says about how its call ended.
 *
 * Two real services on 127.0.0.1: `edge` (node:http, `withRequestContext`)
 * calls `inventory` (a grpc-js server whose handlers are wrapped by
 * `wrapService`) through a client with `contextInterceptor()`:
 *
 * - the edge accepts a valid incoming `x-request-id`, or replaces an
 *   invalid one with a fresh id (never echoing or logging it);
 * - the edge's gRPC call passes no context at all: the interceptor takes
 *   the current one (ctxkit/node's AsyncLocalStorage), so the request id
 *   and what is left of the budget go out with it;
 * - the inventory handler gets a context with that id and deadline; the
 *   logger, which takes no `ctx`, reads `current()` there too; the id is
 *   echoed in the call's trailers;
 * - a call whose context is already cancelled is never sent;
 * - a handler's context ends with cause `Canceled` when its call
 *   completes, and with a `ClientCancelledError` when the client cancels.
 *
 * Run: npm run build && npx tsx examples/grpc-request-id.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceError,
  credentials,
  makeGenericClientConstructor,
  status,
} from '@grpc/grpc-js';
import { type Context, background, cause, done, isCanceled, withCancel } from 'ctxkit';
import { callOptions, contextInterceptor, fixGrpcTimeout, wrapService } from 'ctxkit/grpc';
import { current, requestId, withRequestContext, withRequestId } from 'ctxkit/node';

/** Ids seen in this run, printed as stable names (fresh ids are random). */
const names = new Map<string, string>();
function show(id: string | undefined): string {
  if (id === undefined) return '<none>';
  if (/^[0-9a-f-]{36}$/.test(id)) {
    if (!names.has(id)) names.set(id, `fresh-${names.size + 1}`);
    return names.get(id)!;
  }
  return id;
}

/** A logger for code that has no ctx parameter: it reads the current context. */
function log(service: string, msg: string): void {
  const ctx = current();
  console.log(`  [${service}] id=${show(ctx && requestId(ctx))} ${msg}`);
}

// --- the gRPC service, defined without a .proto (JSON messages) --------------
const json = {
  requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b: Buffer) => JSON.parse(b.toString()),
  responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b: Buffer) => JSON.parse(b.toString()),
};
const inventoryService = {
  Stock: { path: '/shop.Inventory/Stock', requestStream: false, responseStream: false, ...json },
  Reserve: { path: '/shop.Inventory/Reserve', requestStream: false, responseStream: false, ...json },
};

// --- inventory: a grpc-js server ---------------------------------------------
let lastHandlerCtx: Context | undefined;
let reserveStarted: () => void = () => {};
const grpcServer = fixGrpcTimeout(new Server());
grpcServer.addService(
  inventoryService,
  wrapService(inventoryService, {
    Stock(call, ctx) {
      lastHandlerCtx = ctx;
      const budget = ctx.deadline() === undefined ? 'none' : 'set';
      log('inventory', `Stock(${(call.request as { sku: string }).sku}) (deadline ${budget})`);
      return { stock: 3 };
    },
    async Reserve(_call, ctx) {
      lastHandlerCtx = ctx;
      reserveStarted();
      await done(ctx); // a slow reservation: it waits until its call ends
      throw ctx.err();
    },
  }),
);
const port = await new Promise<number>((resolve, reject) =>
  grpcServer.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
);
const Inventory = makeGenericClientConstructor(inventoryService, 'Inventory');
const inventory = new Inventory(`127.0.0.1:${port}`, credentials.createInsecure(), { interceptors: [contextInterceptor()] }) as InstanceType<
  typeof Inventory
> & { Stock: Function; Reserve: Function };

/** Stock(sku) as a promise; the trailers' x-request-id alongside. */
function stock(sku: string, ...opts: object[]): Promise<{ stock: number; echoed: string | undefined }> {
  return new Promise((resolve, reject) => {
    let echoed: string | undefined;
    const call = inventory.Stock({ sku }, ...opts, (err: ServiceError | null, res: { stock: number }) => {
      if (err) reject(err);
      else setImmediate(() => resolve({ stock: res.stock, echoed })); // after the status event below
    });
    call.on('status', (s: { metadata: Metadata }) => (echoed = s.metadata.get('x-request-id')[0] as string | undefined));
  });
}

// --- edge: a node:http service -----------------------------------------------
const edge = createServer(
  withRequestContext(
    async (_req, res) => {
      log('edge', 'GET /product');
      const { stock: n, echoed } = await stock('A-1'); // no ctx passed: the current one goes out
      log('edge', `inventory answered, echoing id=${show(echoed)}`);
      res.end(JSON.stringify({ product: 'A-1', stock: n }));
    },
    { maxTimeoutMs: 2_000 },
  ),
);
await new Promise<void>((r) => edge.listen(0, '127.0.0.1', r));
const edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;

async function get(what: string, headers: Record<string, string>): Promise<void> {
  console.log(`${what}:`);
  const res = await fetch(`${edgeUrl}/product`, { headers });
  await res.text();
  console.log(`  client: echoed id=${show(res.headers.get('x-request-id') ?? undefined)}`);
}

await get('a valid id from the HTTP client', { 'x-request-id': 'req_01HZX:shard/7' });
await get('an invalid id (replaced, never echoed)', { 'x-request-id': 'rid;drop table' });

// A completed call ends its handler's context with cause Canceled.
console.log('the handler of a completed call:');
console.log(`  err=${String(lastHandlerCtx!.err())}, cause=${String(cause(lastHandlerCtx!))}`);

// A context that is already done: the call is never sent.
console.log('a call whose context is already cancelled:');
{
  const [ctx, cancel] = withCancel(withRequestId(background(), 'gave-up'));
  cancel();
  lastHandlerCtx = undefined;
  const err = (await stock('A-1', callOptions(ctx)).catch((e: unknown) => e)) as ServiceError;
  console.log(`  ${status[err.code]}: ${err.details}; isCanceled=${isCanceled(err)}; reached the server=${lastHandlerCtx !== undefined}`);
}

// The client cancels mid-call: the handler's context says so.
console.log('the client cancels a slow call:');
{
  const [ctx, cancel] = withCancel(withRequestId(background(), 'impatient'));
  const started = new Promise<void>((r) => (reserveStarted = r));
  const call = new Promise<ServiceError>((resolve) => inventory.Reserve({ sku: 'A-1' }, callOptions(ctx), resolve));
  await started;
  cancel();
  const err = await call;
  await done(lastHandlerCtx!);
  console.log(`  client: ${status[err.code]}; isCanceled=${isCanceled(err)}`);
  console.log(`  handler: id=${requestId(lastHandlerCtx!)}, err=${String(lastHandlerCtx!.err())}`);
  console.log(`  handler: cause=${String(cause(lastHandlerCtx!))}`);
}

inventory.close();
grpcServer.forceShutdown();
edge.closeAllConnections();
await new Promise<void>((r) => edge.close(() => r()));

// Output:
// a valid id from the HTTP client:
//   [edge] id=req_01HZX:shard/7 GET /product
//   [inventory] id=req_01HZX:shard/7 Stock(A-1) (deadline set)
//   [edge] id=req_01HZX:shard/7 inventory answered, echoing id=req_01HZX:shard/7
//   client: echoed id=req_01HZX:shard/7
// an invalid id (replaced, never echoed):
//   [edge] id=fresh-1 GET /product
//   [inventory] id=fresh-1 Stock(A-1) (deadline set)
//   [edge] id=fresh-1 inventory answered, echoing id=fresh-1
//   client: echoed id=fresh-1
// the handler of a completed call:
//   err=AbortError: context canceled, cause=AbortError: context canceled
// a call whose context is already cancelled:
//   CANCELLED: context canceled; isCanceled=true; reached the server=false
// the client cancels a slow call:
//   client: CANCELLED; isCanceled=true
//   handler: id=impatient, err=AbortError: context canceled
//   handler: cause=ClientCancelledError: client cancelled the call or went away before it completed
