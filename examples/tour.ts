/**
 * A short narrated tour of ctxkit's core — `npm run demo:tour` runs it.
 *
 * Each section does one thing and prints what happened. Read it top to
 * bottom next to its output; every other file in examples/ goes deeper on
 * one topic.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  Canceled,
  type Context,
  DeadlineExceeded,
  afterFunc,
  background,
  cause,
  createKey,
  done,
  isCanceled,
  isDeadlineExceeded,
  race,
  sleep,
  todo,
  withCancel,
  withCancelCause,
  withDeadline,
  withSignal,
  withTimeout,
  withTimeoutCause,
  withValue,
  withoutCancel,
} from 'ctxkit';

let section = 0;
function heading(title: string): void {
  console.log(`\n${++section}. ${title}`);
}
function say(...parts: unknown[]): void {
  console.log('  ' + parts.map((p) => (typeof p === 'string' ? p : String(p))).join(' '));
}
function state(name: string, ctx: Context): string {
  const e = ctx.err();
  return `${name}: ${e === undefined ? 'live' : e.message}`;
}

console.log('ctxkit — a tour of the core (Go\'s context package, for TypeScript)');

// ---------------------------------------------------------------------------
heading('Cancellation is a tree: cancelling a node cancels its subtree, nothing above or beside it');
{
  const [root, cancelRoot] = withCancel(background());
  const [a, cancelA] = withCancel(root);
  const [b, cancelB] = withCancel(root);
  const [a1, cancelA1] = withCancel(a);
  say('tree: root -> { a -> { a1 }, b }');
  cancelA();
  say('cancel(a) returned; synchronously:', [state('root', root), state('a', a), state('a1', a1), state('b', b)].join(', '));
  cancelA();
  say('calling cancel(a) again changes nothing (the first cancellation wins)');
  cancelRoot();
  say('cancel(root):', [state('root', root), state('b', b)].join(', '));
  cancelB();
  cancelA1();
}

// ---------------------------------------------------------------------------
heading('Causes: every cancellation can say why');
{
  const [ctx, cancel] = withCancelCause(background());
  const [child, cancelChild] = withCancel(ctx);
  cancel(new Error('disk full'));
  say('cancel(new Error("disk full")): err() =', ctx.err()!.message, '| cause(ctx) =', (cause(ctx) as Error).message);
  say('the child gets the same err and cause:', child.err()!.message, '/', (cause(child) as Error).message);
  const [plain, cancelPlain] = withCancelCause(background());
  say('cause() while live:', cause(plain));
  cancelPlain();
  say('cancel() with no cause: cause() === Canceled:', cause(plain) === Canceled);
  cancelChild();

  const [t, cancelT] = withTimeoutCause(background(), -1, new Error('budget for the nightly export spent'));
  say('withTimeoutCause with an expired budget: err() =', t.err()!.message, '| cause =', (cause(t) as Error).message);
  cancelT();
}

// ---------------------------------------------------------------------------
heading('Deadlines: withTimeout / withDeadline, intersected with the parent');
{
  const [ctx, cancel] = withTimeout(background(), 30);
  say('withTimeout(background(), 30): err() =', ctx.err());
  await done(ctx); // keeps the process alive until the deadline fires
  say('after await done(ctx): err() =', ctx.err()!.message, '| isDeadlineExceeded:', isDeadlineExceeded(ctx.err()));
  cancel(); // still call it: idempotent, and it is what releases a live timer

  const [parent, cancelParent] = withTimeout(background(), 60_000);
  const [child, cancelChild] = withTimeout(parent, 3_600_000);
  say('a 1 h child of a 60 s parent keeps the parent\'s deadline:', child.deadline()!.getTime() === parent.deadline()!.getTime());
  const [past, cancelPast] = withDeadline(background(), new Date(Date.now() - 1000));
  say('a deadline in the past: already cancelled on return:', past.err() === DeadlineExceeded);
  const [never, cancelNever] = withTimeout(background(), Infinity);
  say('withTimeout(…, Infinity): no deadline of its own, deadline() =', never.deadline());
  cancelChild();
  cancelParent();
  cancelPast();
  cancelNever();
}

// ---------------------------------------------------------------------------
heading('Values: request-scoped, immutable, looked up through the ancestry');
{
  const userKey = createKey<{ id: number; name: string }>('user');
  const traceKey = createKey<string>('traceId');
  const ctx = withValue(withValue(background(), traceKey, 't-9f2'), userKey, { id: 7, name: 'ada' });
  const [reqCtx, cancel] = withTimeout(ctx, 5_000);
  say('value(userKey).name through a timeout context:', reqCtx.value(userKey)?.name);
  say('value(traceKey):', reqCtx.value(traceKey), '| a key never bound:', reqCtx.value(createKey<string>('traceId')));
  const detached = withoutCancel(reqCtx);
  cancel();
  say('withoutCancel keeps values but not cancellation:', detached.value(traceKey), '/ err() =', detached.err());
}

// ---------------------------------------------------------------------------
heading('String(ctx) describes the derivation, like Go\'s String()');
{
  const key = createKey<string>('requestId');
  const [c, cancel] = withCancel(withValue(todo(), key, 'r-1'));
  say(String(background()));
  say(String(c));
  say(String(withoutCancel(c)));
  const secret = { password: 'hunter2' };
  say(String(withValue(background(), 'session', secret)), '(objects print their type, never their contents)');
  const [d, cancelD] = withDeadline(background(), Date.now() + 90 * 60_000);
  say(String(d).replace(/\(.*T/, '(…T'), '(remaining time printed like time.Duration)');
  cancelD();
  cancel();
}

// ---------------------------------------------------------------------------
heading('AbortSignal interop: ctx.signal goes wherever a signal is accepted');
{
  const [ctx, cancel] = withCancel(background());
  const pending = delay(10_000, 'too late', { signal: ctx.signal }); // node:timers/promises
  cancel();
  try {
    await pending;
  } catch (err) {
    say('timers/promises rejected with', (err as Error).name, '| isCanceled(err) via .cause:', isCanceled(err));
  }
  try {
    await fetch('http://127.0.0.1:9/', { signal: ctx.signal }); // never sent: already aborted
  } catch (err) {
    say('fetch with a cancelled ctx rejects with ctx.err() itself:', err === ctx.err());
  }
  say('ctx.signal.reason === ctx.err():', ctx.signal.reason === ctx.err(), '| same signal every read:', ctx.signal === ctx.signal);

  // The other way round: a platform signal becomes a context.
  const [fromSignal, cancelFromSignal] = withSignal(background(), AbortSignal.timeout(20));
  // sleep() keeps the process alive for its own duration; done() alone would
  // not, as the context has no deadline and AbortSignal.timeout's timer is unref'd.
  await sleep(fromSignal, 1_000).catch(() => {});
  say('withSignal(AbortSignal.timeout(20)): err() =', fromSignal.err()!.message, '| cause is the DOMException:', (cause(fromSignal) as Error).name);
  cancelFromSignal();
}

// ---------------------------------------------------------------------------
heading('afterFunc: run cleanup once the context ends (a microtask, never inside cancel())');
{
  const [ctx, cancel] = withCancel(background());
  const log: string[] = [];
  afterFunc(ctx, () => log.push('first cleanup'));
  const stop = afterFunc(ctx, () => log.push('stopped cleanup (never runs)'));
  afterFunc(ctx, () => log.push('second cleanup'));
  say('stop() before cancellation prevented its function:', stop());
  cancel();
  say('right after cancel(), ran so far:', log.length);
  await Promise.resolve();
  say('a microtask later, in registration order:', log.join(', '));
}

// ---------------------------------------------------------------------------
heading('Async helpers: sleep, race, done — they clean up after themselves');
{
  const [ctx, cancel] = withTimeout(background(), 25);
  try {
    await sleep(ctx, 10_000);
  } catch (err) {
    say('sleep(ctx, 10 s) with a 25 ms context rejects with ctx.err():', err === DeadlineExceeded);
  }
  cancel();

  const [ctx2, cancel2] = withCancel(background());
  const slowJob = new Promise<string>((r) => setTimeout(r, 50, 'job result'));
  say('race(ctx, job) with a live ctx:', await race(ctx2, slowJob));
  cancel2();
  try {
    await race(ctx2, Promise.resolve('ready, but too late'));
  } catch (err) {
    say('race() checks ctx first: a cancelled ctx wins even over a settled promise:', err === Canceled);
  }
  say('done(ctx) returns one promise per context:', done(ctx2) === done(ctx2));
}

// ---------------------------------------------------------------------------
heading('User-written contexts are valid parents');
{
  // E.g. a framework's own request object: anything implementing Context.
  class Job implements Context {
    #ctrl = new AbortController();
    deadline(): undefined {
      return undefined;
    }
    get signal(): AbortSignal {
      return this.#ctrl.signal;
    }
    err(): Error | undefined {
      return this.#ctrl.signal.aborted ? Canceled : undefined;
    }
    value(_key: unknown): undefined {
      return undefined;
    }
    stop(): void {
      this.#ctrl.abort(Canceled);
    }
  }
  const job = new Job();
  const children = Array.from({ length: 3 }, () => withCancel(job));
  say(String(children[0]![0]), '— 3 children, one listener on the job\'s signal between them');
  job.stop();
  say('job.stop():', children.map(([c], i) => state(`child ${i}`, c)).join(', '));
  for (const [, cancel] of children) cancel(); // no-ops now, but always call it
}

// ---------------------------------------------------------------------------
heading('`using`: the cancel function is Disposable (Go\'s defer cancel())');
{
  let seen: Context;
  {
    const [ctx, cancel] = withTimeout(background(), 60_000);
    using _cancel = cancel; // disposed (called) when the block exits, however it exits
    seen = ctx;
    say('inside the block:', state('ctx', ctx));
  }
  say('after the block, cancel() has run:', state('ctx', seen));
}

console.log('\nThat was the core. Next: examples/*.ts, docs/go-mapping.md, docs/semantics.md.');
