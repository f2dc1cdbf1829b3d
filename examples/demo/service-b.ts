/**
 * Service B (prices): the last hop. A gRPC server whose handler is
 * wrapped by ctxkit/grpc, so it gets a context with the caller's deadline
 * and request id, cancelled if the caller cancels or goes away, and ended
 * with cause Canceled when the call completes.
 *
 * Started by the demo (main.ts); alone: npx tsx examples/demo/service-b.ts
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { sleep } from 'ctxkit';
import { fixGrpcTimeout, wrapService } from 'ctxkit/grpc';
import { type PriceReply, type PriceRequest, pricesService, reportHop, serveChild } from './shared.js';

const server = fixGrpcTimeout(new Server());
server.addService(
  pricesService,
  wrapService(pricesService, {
    async Price(call, ctx): Promise<PriceReply> {
      const { item, workMs, fail } = call.request as PriceRequest;
      reportHop('B', ctx, item);
      await sleep(ctx, workMs); // the price lookup; rejects with ctx.err() if the call ends first
      if (fail) throw Object.assign(new Error(`no price for ${item}`), { code: status.NOT_FOUND });
      return { item, cents: 100 * item.length + 99 };
    },
  }),
);

await serveChild(async () => {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, close: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
});
