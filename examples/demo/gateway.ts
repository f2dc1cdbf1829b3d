/**
 * The HTTP gateway: the edge of the demo. A node:http server whose
 * handler gets a ctxkit/node request context (request id and budget read
 * from the request headers; cancelled if the client goes away; ended when
 * the response is sent), and calls service A through a client with
 * ctxkit/grpc's interceptor, passing that context: the deadline, the
 * cancellation and the request id go on to A.
 *
 * Started by the demo (main.ts) with A's address as its argument.
 *
 * Routes:
 *   GET /order/<id>?priceMs=<ms>   → A.GetOrder → B.Price
 *   GET /quote?items=a,b,c&fail=b  → A.Quote   → B.Price for each item, at once
 */
import { type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { isCanceled, isDeadlineExceeded, sleep } from 'ctxkit';
import { callOptions, contextInterceptor } from 'ctxkit/grpc';
import { withRequestContext } from 'ctxkit/node';
import { HOP_WORK_MS, grpcCode, ordersService, reportHop, serveChild, unary } from './shared.js';

const ordersAddress = process.argv[2];
if (ordersAddress === undefined) throw new Error('usage: gateway.ts <host:port of service A>');
const Orders = makeGenericClientConstructor(ordersService, 'Orders');
const orders = new Orders(ordersAddress, credentials.createInsecure(), { interceptors: [contextInterceptor()] });

/** HTTP status for a failure: gRPC codes as gRPC-gateway and Connect map them. */
const HTTP_STATUS: Record<string, number> = { NOT_FOUND: 404, CANCELLED: 499, DEADLINE_EXCEEDED: 504, UNAVAILABLE: 503 };

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer(
  withRequestContext(
    async (req, res, ctx) => {
      const url = new URL(req.url ?? '/', 'http://gateway');
      reportHop('gateway', ctx, `${req.method} ${url.pathname}`);
      try {
        await sleep(ctx, HOP_WORK_MS); // authenticate the caller
        if (url.pathname.startsWith('/order/')) {
          const request = { order: url.pathname.slice('/order/'.length), priceMs: Number(url.searchParams.get('priceMs') ?? 0) };
          reply(res, 200, await unary(orders, 'GetOrder', request, callOptions(ctx)));
        } else if (url.pathname === '/quote') {
          const request = { items: (url.searchParams.get('items') ?? '').split(','), fail: url.searchParams.get('fail') ?? '' };
          reply(res, 200, await unary(orders, 'Quote', request, callOptions(ctx)));
        } else {
          reply(res, 404, { error: 'NOT_FOUND', message: `no route ${url.pathname}` });
        }
      } catch (err) {
        if (res.destroyed) return; // the client went away: nobody to answer
        const code = grpcCode(err) ?? (isDeadlineExceeded(err) ? 'DEADLINE_EXCEEDED' : isCanceled(err) ? 'CANCELLED' : 'INTERNAL');
        const message = (err as { details?: string }).details ?? String(err);
        reply(res, HTTP_STATUS[code] ?? 500, { error: code, message });
      }
    },
    { maxTimeoutMs: 10_000 },
  ),
);

await serveChild(async () => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          orders.close();
          r();
        });
      }),
  };
});
