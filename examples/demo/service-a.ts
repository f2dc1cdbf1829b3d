/**
 * Service A (orders): the middle hop. Its handlers get their context from
 * ctxkit/grpc's wrappers, and call service B through a client with
 * ctxkit/grpc's interceptor:
 *
 * - GetOrder calls B without passing a context: the interceptor takes the
 *   current one (the handler's, through ctxkit/node's AsyncLocalStorage),
 *   so B gets the same request id and what is left of the deadline;
 * - Quote prices several items at once with an errgroup (ctxkit/sync
 *   Group): the first failure cancels the group's context, which cancels
 *   the other calls to B, which cancels B's handlers.
 *
 * Started by the demo (main.ts) with B's address as its argument.
 */
import { Server, ServerCredentials, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { sleep } from 'ctxkit';
import { callOptions, contextInterceptor, fixGrpcTimeout, wrapService } from 'ctxkit/grpc';
import { Group } from 'ctxkit/sync';
import {
  type GetOrderRequest,
  HOP_WORK_MS,
  type PriceReply,
  type QuoteRequest,
  ordersService,
  pricesService,
  reportHop,
  serveChild,
  unary,
} from './shared.js';

const pricesAddress = process.argv[2];
if (pricesAddress === undefined) throw new Error('usage: service-a.ts <host:port of service B>');
const Prices = makeGenericClientConstructor(pricesService, 'Prices');
const prices = new Prices(pricesAddress, credentials.createInsecure(), { interceptors: [contextInterceptor()] });

/** Asks B for a price. No ctx parameter: the call carries the current context. */
function priceOf(item: string, workMs: number): Promise<PriceReply> {
  return unary(prices, 'Price', { item, workMs, fail: false });
}

const server = fixGrpcTimeout(new Server());
server.addService(
  ordersService,
  wrapService(ordersService, {
    async GetOrder(call, ctx) {
      const { order, priceMs } = call.request as GetOrderRequest;
      reportHop('A', ctx, 'GetOrder');
      await sleep(ctx, HOP_WORK_MS); // load the order
      const price = await priceOf(`order-${order}`, priceMs);
      return { order, cents: price.cents };
    },

    async Quote(call, ctx) {
      const { items, fail } = call.request as QuoteRequest;
      reportHop('A', ctx, 'Quote');
      await sleep(ctx, HOP_WORK_MS); // look the items up
      const [group, groupCtx] = Group.withContext(ctx);
      reportHop('A', groupCtx, 'Quote errgroup');
      const quotes: PriceReply[] = [];
      for (const item of items) {
        // Each branch gets the group's context, which is not the current
        // one: pass it explicitly. The failing item fails fast.
        void group.go(async (gctx) => {
          const request = { item, workMs: item === fail ? 30 : 1_000, fail: item === fail };
          quotes.push(await unary<PriceReply>(prices, 'Price', request, callOptions(gctx)));
        });
      }
      await group.wait(); // rejects with the first failure, after every branch has settled
      return { quotes };
    },
  }),
);

await serveChild(async () => {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    close: () =>
      new Promise<void>((r) =>
        server.tryShutdown(() => {
          prices.close();
          r();
        }),
      ),
  };
});
