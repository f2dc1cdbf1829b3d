/**
 * Request-id middleware, end to end (Go's X-Request-ID middleware that
 * stamps the context and forwards the id on outbound calls).
 *
 * Two real node:http services: `edge` (Express with `ctxkitMiddleware`)
 * calls `inventory` (a plain handler wrapped by `withRequestContext`) with
 * `fetchWithContext`. Every log line carries the same id:
 *
 * - the edge accepts a valid incoming `x-request-id`, or replaces an
 *   invalid one (never echoing or logging it) / mints one when absent;
 * - the id rides on the request context; `fetchWithContext` sends it on
 *   the outbound call, with the remaining budget;
 * - the logger cannot take a `ctx` parameter, so it reads `current()`, the
 *   context ctxkit/node binds for each request through AsyncLocalStorage;
 * - every response echoes the id in force.
 *
 * Run: npm run build && npx tsx examples/node-request-id.ts
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fetchWithContext } from 'ctxkit/http';
import { contextOf, ctxkitMiddleware, current, requestId, withRequestContext } from 'ctxkit/node';

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

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// --- inventory: a plain node:http service -----------------------------------
const inventory = createServer(
  withRequestContext(async (_req, res, ctx) => {
    const budget = ctx.deadline() === undefined ? 'none' : 'set';
    log('inventory', `lookup (deadline ${budget})`);
    res.end(JSON.stringify({ sku: 'A-1', stock: 3 }));
  }),
);
const inventoryUrl = await listen(inventory);

// --- edge: Express with the middleware ---------------------------------------
const app = express();
app.use(ctxkitMiddleware({ maxTimeoutMs: 2_000 }));
app.get('/product', async (req, res) => {
  log('edge', 'GET /product');
  const r = await fetchWithContext(contextOf(req), `${inventoryUrl}/stock`);
  const stock = (await r.json()) as { stock: number };
  log('edge', `inventory answered with id=${show(r.headers.get('x-request-id') ?? undefined)}`);
  res.json({ product: 'A-1', stock: stock.stock });
});
const edge = createServer(app);
const edgeUrl = await listen(edge);

async function call(what: string, headers: Record<string, string>): Promise<void> {
  console.log(`${what}:`);
  const res = await fetch(`${edgeUrl}/product`, { headers });
  await res.text();
  console.log(`  client: echoed id=${show(res.headers.get('x-request-id') ?? undefined)}`);
}

await call('a valid id from the client', { 'x-request-id': 'req_01HZX:shard/7' });
await call('an invalid id (replaced, never echoed)', { 'x-request-id': 'rid;drop table' });
await call('no id (minted at the edge)', {});

for (const s of [edge, inventory]) {
  s.closeAllConnections();
  await new Promise<void>((r) => s.close(() => r()));
}

// Output:
// a valid id from the client:
//   [edge] id=req_01HZX:shard/7 GET /product
//   [inventory] id=req_01HZX:shard/7 lookup (deadline set)
//   [edge] id=req_01HZX:shard/7 inventory answered with id=req_01HZX:shard/7
//   client: echoed id=req_01HZX:shard/7
// an invalid id (replaced, never echoed):
//   [edge] id=fresh-1 GET /product
//   [inventory] id=fresh-1 lookup (deadline set)
//   [edge] id=fresh-1 inventory answered with id=fresh-1
//   client: echoed id=fresh-1
// no id (minted at the edge):
//   [edge] id=fresh-2 GET /product
//   [inventory] id=fresh-2 lookup (deadline set)
//   [edge] id=fresh-2 inventory answered with id=fresh-2
//   client: echoed id=fresh-2
