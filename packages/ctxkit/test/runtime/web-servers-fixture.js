/**
 * A small server for test/runtime/web-servers.test.ts, run as its own
 * process on Bun (`bun run web-servers-fixture.js <maxTimeoutMs> [<lifetimeMs>]`) or Deno
 * (`deno run -A web-servers-fixture.js <maxTimeoutMs> [<lifetimeMs>]`) against the built
 * package. It serves on 127.0.0.1 with an ephemeral port through the
 * runtime's own server (Bun.serve / Deno.serve) and `withRequestContext`,
 * and prints JSON lines on stdout: `{"event":"listening","port":…}` first,
 * then what each request's context looked like. Routes:
 *
 * - `/observe`: answers (and logs) the context's remaining budget and request id;
 * - `/wait?tag=…`: logs `waiting`, then waits on `done(ctx)` (the client is
 *   expected to abort) and logs how the context ended, and when;
 * - `/answer?tag=…`: answers at once; logs how the context ended, and
 *   whether `request.signal` aborted afterwards.
 */
/* global URL, Response */
import { Canceled, DeadlineExceeded, cause, done } from '../../dist/index.js';
import { isClientDisconnected, requestId, withRequestContext } from '../../dist/http/index.js';

const runtime = globalThis.Bun !== undefined ? 'bun' : 'deno';
const args = runtime === 'bun' ? process.argv.slice(2) : globalThis.Deno.args;
const maxTimeoutMs = Number(args[0] ?? 5_000);
// A server orphaned by a killed test run goes away on its own.
setTimeout(() => (runtime === 'bun' ? process.exit(3) : globalThis.Deno.exit(3)), Number(args[1] ?? 60_000));

function log(event) {
  console.log(JSON.stringify({ runtime, at: Date.now(), ...event }));
}

/** `Canceled` and `DeadlineExceeded` by identity, else the error's name. */
function named(err) {
  if (err === undefined) return null;
  if (err === Canceled) return 'Canceled';
  if (err === DeadlineExceeded) return 'DeadlineExceeded';
  return err?.name ?? String(err);
}

/** How a context ended, in JSON. */
function ending(ctx) {
  const err = ctx.err();
  const why = cause(ctx);
  return {
    err: named(err),
    cause: named(why),
    causeMessage: why?.message ?? null,
    causeIsErr: why === err,
    disconnected: isClientDisconnected(why),
    signalReason: isClientDisconnected(why) ? String(why.cause?.name ?? why.cause) : null,
  };
}

async function handler(request, ctx) {
  const url = new URL(request.url);
  const tag = url.searchParams.get('tag') ?? '';
  switch (url.pathname) {
    case '/observe': {
      const deadline = ctx.deadline();
      const seen = {
        event: 'observe',
        tag,
        deadline: deadline?.getTime() ?? null,
        remainingMs: deadline === undefined ? null : deadline.getTime() - Date.now(),
        err: named(ctx.err()),
        requestId: requestId(ctx) ?? null,
      };
      log(seen);
      return Response.json(seen);
    }
    case '/wait': {
      log({ event: 'waiting', tag });
      await done(ctx);
      log({ event: 'ended', tag, ...ending(ctx), signalAborted: request.signal.aborted });
      return new Response('too late\n');
    }
    case '/answer': {
      // Once the response is out: how the context ended, and whether the
      // runtime aborted request.signal after answering.
      done(ctx).then(() => {
        log({ event: 'ended', tag, ...ending(ctx), signalAborted: request.signal.aborted });
        setTimeout(() => log({ event: 'later', tag, ...ending(ctx), signalAborted: request.signal.aborted }), 200);
      });
      return new Response('ok\n');
    }
    default:
      return new Response('not found\n', { status: 404 });
  }
}

const fetchHandler = withRequestContext(handler, { maxTimeoutMs });

if (runtime === 'bun') {
  const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: fetchHandler });
  log({ event: 'listening', port: server.port, version: globalThis.Bun.version });
} else {
  globalThis.Deno.serve(
    { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => log({ event: 'listening', port, version: globalThis.Deno.version.deno }) },
    fetchHandler,
  );
}
