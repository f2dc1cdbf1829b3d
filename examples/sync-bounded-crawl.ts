/**
 * A bounded parallel crawl with `Group.setLimit` (x/sync errgroup, SetLimit).
 *
 * A small site is served by a real node:http server on 127.0.0.1 (each page
 * takes 50 ms). The crawler fetches pages concurrently but never more than
 * LIMIT at a time: tasks discovered while crawling are queued with `go()`
 * and start, in order, as slots free up. Every fetch carries the group
 * context's signal, so the first failure aborts the requests in flight.
 *
 * Do not `await g.go(...)` inside a task of the same limited group: if every
 * slot is held by a task waiting for a slot, nothing can move (the same
 * deadlock as calling Go from inside a limited errgroup in Go). A plain
 * `void g.go(...)` queues the call and returns.
 *
 * Run: npm run build && npx tsx examples/sync-bounded-crawl.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Context, background, cause } from 'ctxkit';
import { Group } from 'ctxkit/sync';

const LIMIT = 3;

// The site: each page links to others.
const site: Record<string, string[]> = {
  '/': ['/docs', '/blog', '/about'],
  '/docs': ['/docs/install', '/docs/api', '/docs/faq'],
  '/docs/install': ['/docs'],
  '/docs/api': ['/docs/api/group', '/docs/api/semaphore', '/docs/api/mutex'],
  '/docs/api/group': [],
  '/docs/api/semaphore': [],
  '/docs/api/mutex': [],
  '/docs/faq': ['/'],
  '/blog': ['/blog/1', '/blog/2'],
  '/blog/1': ['/blog/2'],
  '/blog/2': ['/blog/1', '/broken'],
  '/about': [],
};

let inFlight = 0;
let maxInFlight = 0;
const server = createServer((req, res) => {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const timer = setTimeout(() => {
    inFlight--;
    const links = site[req.url ?? ''];
    if (links === undefined) {
      res.writeHead(500).end('internal error');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(links));
  }, 50);
  // An aborted request: stop working on it too.
  res.on('close', () => {
    if (!res.writableFinished) {
      clearTimeout(timer);
      inFlight--;
    }
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function fetchLinks(ctx: Context, path: string): Promise<string[]> {
  const res = await fetch(origin + path, { signal: ctx.signal });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as string[];
}

/** Crawls from `start`, at most LIMIT requests at a time; `skip` lists paths not to follow. */
async function crawl(start: string, skip: ReadonlySet<string>): Promise<string[]> {
  const [g] = Group.withContext(background());
  g.setLimit(LIMIT);
  const seen = new Set<string>([start]);
  const visit = (path: string): void => {
    void g.go(async (ctx) => {
      for (const link of await fetchLinks(ctx, path)) {
        if (seen.has(link) || skip.has(link)) continue;
        seen.add(link);
        visit(link); // queued behind the limit; starts when a slot frees
      }
    });
  };
  visit(start);
  await g.wait(); // waits for every task, including those queued while crawling
  return [...seen].sort();
}

// 1. The whole site except the broken link, 3 requests at a time.
maxInFlight = 0;
const pages = await crawl('/', new Set(['/broken']));
console.log(`crawled ${pages.length} pages:`);
for (const p of pages) console.log(`  ${p}`);
console.log(`never more than ${LIMIT} requests at once:`, maxInFlight <= LIMIT, `| used the parallelism:`, maxInFlight === LIMIT);

// 2. Following the broken link: the first failure cancels the crawl.
{
  const [g, gctx] = Group.withContext(background());
  g.setLimit(LIMIT);
  void g.go(async (ctx) => void (await fetchLinks(ctx, '/broken')));
  for (const p of ['/docs/api/group', '/docs/api/semaphore', '/docs/api/mutex', '/about']) {
    void g.go(async (ctx) => void (await fetchLinks(ctx, p)));
  }
  try {
    await g.wait();
  } catch (err) {
    console.log('crawl failed:', (err as Error).message);
    console.log('cause(ctx) is that error:', cause(gctx) === err, '| in-flight requests aborted:', gctx.signal.aborted);
  }
}

server.close();
server.closeAllConnections();

// Output:
// crawled 12 pages:
//   /
//   /about
//   /blog
//   /blog/1
//   /blog/2
//   /docs
//   /docs/api
//   /docs/api/group
//   /docs/api/mutex
//   /docs/api/semaphore
//   /docs/faq
//   /docs/install
// never more than 3 requests at once: true | used the parallelism: true
// crawl failed: GET /broken: HTTP 500
// cause(ctx) is that error: true | in-flight requests aborted: true
