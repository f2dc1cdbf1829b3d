/**
 * no-lost-cancel: what it reports and, as importantly, what it leaves alone.
 * Every case runs with espree and with typescript-eslint's parser; the
 * TypeScript-only ones at the end run with typescript-eslint's alone.
 */
import { IMPORTS as I, runRule } from './rule-tester.js';

runRule('a cancel function that is called, bound or handed on', {
  valid: [
    {
      name: 'cancel in finally covers an early return inside try',
      code: `${I}async function handler(parent, req) {
  const [ctx, cancel] = withTimeout(parent, 200);
  try {
    if (!validate(req)) return;
    await doWork(ctx);
  } finally {
    cancel();
  }
}`,
    },
    {
      name: 'cancel in finally covers a throw inside try',
      code: `${I}async function f(parent, req) {
  const [ctx, cancel] = withCancelCause(parent);
  try {
    if (!req) throw new Error('no request');
    await doWork(ctx);
  } catch (err) {
    cancel(err);
    throw err;
  } finally {
    cancel();
  }
}`,
    },
    {
      name: 'cancel called right after the work',
      code: `${I}async function f(parent) { const [ctx, cancel] = withCancel(parent); await doWork(ctx); cancel(); }`,
    },
    {
      name: 'cancel passed to afterFunc',
      code: `${I}function link(parent, other) { const [ctx, cancel] = withCancel(parent); afterFunc(other, cancel); return ctx; }`,
    },
    {
      name: 'cancel passed to a defer-style helper',
      code: `${I}async function f(parent, defer) { const [ctx, cancel] = withTimeout(parent, 50); defer(cancel); await doWork(ctx); }`,
    },
    {
      name: 'cancel deferred on a DisposableStack',
      code: `${I}function f(parent) { using stack = new DisposableStack(); const [ctx, cancel] = withCancel(parent); stack.defer(cancel); return doWork(ctx); }`,
    },
    {
      name: "cancel registered as a listener: res.on('close', cancel)",
      code: `${I}function handle(parent, req, res) { const [ctx, cancel] = withCancel(parent); res.on('close', cancel); serve(ctx, req, res); }`,
    },
    {
      name: 'a closure that calls cancel, passed as a listener',
      code: `${I}function handle(parent, res) { const [ctx, cancel] = withCancel(parent); res.on('close', () => { cancel(); }); serve(ctx, res); }`,
    },
    {
      name: 'cancel passed to promise.finally',
      code: `${I}function f(parent) { const [ctx, cancel] = withTimeout(parent, 10); return doWork(ctx).finally(cancel); }`,
    },
    {
      name: 'a closure that calls cancel, passed to setTimeout',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); setTimeout(() => cancel(), 100); return ctx; }`,
    },
    {
      name: 'the pair returned as a tuple',
      code: `${I}function derive(parent) { const [ctx, cancel] = withTimeout(parent, 1000); return [ctx, cancel]; }`,
    },
    {
      name: 'the pair returned as an object',
      code: `${I}function derive(parent) { const [ctx, cancel] = withCancel(parent); return { ctx, cancel }; }`,
    },
    {
      name: 'the cancel returned alone',
      code: `${I}function start(parent) { const [ctx, cancel] = withCancel(parent); void run(ctx); return cancel; }`,
    },
    {
      name: 'the constructor result returned directly',
      code: `${I}function scope(parent) { return withDeadline(parent, Date.now() + 1000); }`,
    },
    {
      name: 'an arrow function that returns the pair',
      code: `${I}const scope = (parent) => withTimeout(parent, 5000);
const start = (parent) => { const [ctx, cancel] = withCancel(parent); return [ctx, cancel]; };`,
    },
    {
      name: 'using binds the cancel to the block',
      code: `${I}async function f(parent) { const [ctx, cancel] = withTimeout(parent, 100); using _ = cancel; await doWork(ctx); }`,
    },
    {
      name: 'await using in a nested block before the only return',
      code: `${I}async function f(parent, x) {
  const [ctx, cancel] = withSignal(parent, x.signal);
  {
    await using cancelScope = cancel;
    await doWork(ctx);
  }
  return 1;
}`,
    },
    {
      name: 'cancel called in both branches',
      code: `${I}function f(parent, ok) { const [ctx, cancel] = withCancel(parent); if (ok) { doWork(ctx); cancel(); } else { cancel(); } }`,
    },
    {
      name: 'cancel called in every case of a switch',
      code: `${I}function f(parent, k) {
  const [ctx, cancel] = withCancel(parent);
  switch (k) {
    case 1: cancel(); return 1;
    case 2: doWork(ctx); cancel(); break;
    default: cancel();
  }
  return 0;
}`,
    },
    {
      name: 'a loop that cancels each iteration',
      code: `${I}async function each(parent, items) {
  for (const item of items) {
    const [ctx, cancel] = withTimeout(parent, 100);
    try {
      if (item.skip) continue;
      await process(ctx, item);
    } finally {
      cancel();
    }
  }
}`,
    },
    {
      name: 'a loop that cancels the previous iteration and the last after the loop',
      code: `${I}function f(parent, items) {
  let cancel;
  for (const item of items) {
    cancel?.();
    let ctx;
    [ctx, cancel] = withCancel(parent);
    doWork(ctx, item);
  }
  cancel?.();
}`,
    },
    {
      name: 'a conditional context tested before cancelling',
      code: `${I}function f(parent, ms) {
  let ctx = parent, cancel;
  if (ms) [ctx, cancel] = withTimeout(parent, ms);
  doWork(ctx);
  if (cancel) cancel();
}`,
    },
    {
      name: 'an optional cancel tested with &&',
      code: `${I}function f(parent, ms) {
  let ctx = parent, cancel;
  if (ms) [ctx, cancel] = withTimeout(parent, ms);
  doWork(ctx);
  cancel && cancel();
}`,
    },
    {
      name: 'an effect-style callback that returns a closure calling cancel',
      code: `${I}function useData(parent, load) {
  useEffect(() => {
    const [ctx, cancel] = withCancel(parent);
    void load(ctx);
    return () => cancel();
  }, [parent]);
}`,
    },
    {
      name: 'a generator that cancels in finally',
      code: `${I}function* ticks(parent) { const [ctx, cancel] = withCancel(parent); try { while (!ctx.err()) yield ctx; } finally { cancel(); } }`,
    },
    {
      name: 'a return inside a nested callback is not a return of the function',
      code: `${I}function f(parent, items) {
  const [ctx, cancel] = withCancel(parent);
  items.forEach((x) => { if (!x) return; run(ctx, x); });
  cancel();
}`,
    },
    {
      name: 'stored on this',
      code: `${I}class Job { start(parent) { const [ctx, cancel] = withCancel(parent); this.cancel = cancel; return ctx; } }`,
    },
    {
      name: 'assigned to object properties by destructuring in a constructor',
      code: `${I}class Worker {
  #cancel;
  constructor(parent) { [this.ctx, this.#cancel] = withCancel(parent); }
  stop() { this.#cancel(); }
}`,
    },
    {
      name: 'a class field holding the pair',
      code: `${I}class Server { scope = withCancel(background()); close() { this.scope[1](); } }`,
    },
    {
      name: 'a class field holding the cancel',
      code: `${I}class Server { stop = withCancel(background())[1]; }`,
    },
    {
      name: 'stored on an object and pushed into a collection',
      code: `${I}const cancels = [];
function f(parent, obj) { const [a, c1] = withCancel(parent); obj.c = c1; const [b, c2] = withCancel(parent); cancels.push(c2); return [a, b]; }`,
    },
    {
      name: 'stored in a map',
      code: `${I}function f(parent, jobs, id) { const [ctx, cancel] = withCancel(parent); jobs.set(id, cancel); return ctx; }`,
    },
    {
      name: 'assigned to an outer variable',
      code: `${I}let stopAll;
function init(parent) { const [ctx, cancel] = withCancel(parent); stopAll = cancel; return ctx; }`,
    },
    {
      name: 'destructured straight into an outer variable',
      code: `${I}let rootCtx, stopRoot;
function init(parent) { [rootCtx, stopRoot] = withCancel(parent); }`,
    },
    {
      name: 'a local alias called on every path',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); const stop = cancel; doWork(ctx); stop(); }`,
    },
    {
      name: 'a closure alias called in finally',
      code: `${I}async function f(parent) {
  const [ctx, cancel] = withCancel(parent);
  const cleanup = () => { cancel(); log('done'); };
  try { await doWork(ctx); } finally { cleanup(); }
}`,
    },
    {
      name: 'a hoisted function declaration that cancels, called at the end',
      code: `${I}function f(parent) {
  const [ctx, cancel] = withCancel(parent);
  doWork(ctx);
  stop();
  function stop() { cancel(); }
}`,
    },
    {
      name: 'an async IIFE that cancels when its work ends',
      code: `${I}function start(parent) {
  const [ctx, cancel] = withCancel(parent);
  void (async () => {
    try { await doWork(ctx); } finally { cancel(); }
  })();
}`,
    },
    {
      name: 'a Promise executor that captures cancel',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); return new Promise((resolve) => { ctx.signal.onabort = resolve; later(cancel); }); }`,
    },
    {
      name: 'the cancel passed to its own context through a closure',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); ctx.signal.addEventListener('abort', () => cancel(), { once: true }); return ctx; }`,
    },
    {
      name: 'the tuple held in a variable, cancelled through [1]',
      code: `${I}function f(parent) { const pair = withCancel(parent); try { doWork(pair[0]); } finally { pair[1](); } }`,
    },
    {
      name: 'the tuple held in a variable and returned',
      code: `${I}function f(parent) { const result = withTimeout(parent, 10); log(result[0]); return result; }`,
    },
    {
      name: 'the tuple held in a variable and passed on',
      code: `${I}function f(parent) { const result = withTimeout(parent, 10); register(result); }`,
    },
    {
      name: 'the tuple destructured again from its variable',
      code: `${I}function f(parent) { const pair = withCancel(parent); const [ctx, cancel] = pair; doWork(ctx); cancel(); }`,
    },
    {
      name: 'only the cancel taken from a holey destructuring',
      code: `${I}function f(parent) { const [, cancel] = withCancel(parent); cancel(); }`,
    },
    {
      name: 'cancel[Symbol.dispose]() and cancel.call()',
      code: `${I}function f(parent) { const [a, c1] = withCancel(parent); c1[Symbol.dispose](); const [b, c2] = withCancel(parent); c2.call(null); }`,
    },
    {
      name: 'an early return that hands the cancel on',
      code: `${I}function f(parent, x) { const [ctx, cancel] = withCancel(parent); if (x) return cancel; doWork(ctx); cancel(); return undefined; }`,
    },
    {
      name: 'a catch that cancels and rethrows',
      code: `${I}async function f(parent) {
  const [ctx, cancel] = withCancel(parent);
  try { await doWork(ctx); } catch (err) { cancel(); throw err; }
  cancel();
}`,
    },
    {
      name: 'a loop that leaves only through the cancelling return',
      code: `${I}async function serve(parent) {
  const [ctx, cancel] = withCancel(parent);
  for (;;) {
    const msg = await next(ctx);
    if (msg === 'stop') { cancel(); return; }
  }
}`,
    },
    {
      name: 'break out of a loop through finally',
      code: `${I}async function f(parent, items) {
  outer: for (const batch of items) {
    for (const item of batch) {
      const [ctx, cancel] = withTimeout(parent, 100);
      try {
        if (item.last) break outer;
        if (item.skip) continue;
        await process(ctx, item);
      } catch (err) {
        if (err.fatal) break;
      } finally {
        cancel();
      }
    }
  }
}`,
    },
    {
      name: 'an exception from a call inside try is not a path (vet ignores panics too)',
      code: `${I}async function f(parent) {
  try {
    const [ctx, cancel] = withTimeout(parent, 100);
    await doWork(ctx);
    cancel();
  } finally {
    log('done');
  }
}`,
    },
    {
      name: 'module top level: cancelled on a signal',
      code: `${I}const [root, stop] = withCancel(background());
process.on('SIGINT', stop);
await main(root);`,
    },
    {
      name: 'module top level: called in one branch only (module variables outlive the top-level code)',
      code: `${I}const [ctx, cancel] = withTimeout(background(), 1000);
if (await main(ctx)) cancel();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cancel());`,
    },
    {
      name: 'module top level: exported',
      code: `${I}export const [rootCtx, stopAll] = withCancel(background());`,
    },
    {
      name: 'module top level: exported through a specifier',
      code: `${I}const [rootCtx, stopAll] = withCancel(background());
export { rootCtx, stopAll };`,
    },
    {
      name: 'module top level: cancelled from an exported function',
      code: `${I}const [rootCtx, stopAll] = withCancel(background());
export function shutdown() { stopAll(); }`,
    },
    {
      name: 'a renamed import, cancelled',
      code: `import { withCancel as wc } from 'ctxkit';
function f(p) { const [ctx, cancel] = wc(p); try { doWork(ctx); } finally { cancel(); } }`,
    },
    {
      name: 'a namespace import, cancelled',
      code: `import * as ck from 'ctxkit';
async function f(p) { const [ctx, cancel] = ck.withTimeout(p, 100); using _ = cancel; await doWork(ctx); }`,
    },
    {
      name: 'require() destructuring, cancelled',
      code: `const { withTimeout: wt } = require('ctxkit');
async function f(p) { const [ctx, cancel] = wt(p, 100); try { await doWork(ctx); } finally { cancel(); } }`,
    },
    {
      name: 'a local function named withCancel is not ctxkit',
      code: `function withCancel(p) { return [p, () => {}]; }
function f(p) { const [ctx] = withCancel(p); withCancel(p); return ctx; }`,
    },
    {
      name: 'withCancel from another module is not ctxkit',
      code: `import { withCancel } from './my-context.js';
function f(p) { const [ctx] = withCancel(p); return ctx; }`,
    },
    {
      name: 'a parameter that shadows the import is not ctxkit',
      code: `${I}function f(withCancel, p) { withCancel(p); }`,
    },
    {
      name: 'other ctxkit functions are not constructors of cancel functions',
      code: `import { background, withValue, withoutCancel } from 'ctxkit';
withValue(background(), 'k', 1);
withoutCancel(background());`,
    },
    {
      name: 'a constructor in unreachable code',
      code: `${I}function f(p) { return; withCancel(p); }`,
    },
    {
      name: 'importSources: a relative path matched by a pattern, cancelled',
      code: `import { withCancel } from '../src/index.js';
function f(p) { const [ctx, cancel] = withCancel(p); cancel(); return ctx; }`,
      options: [{ importSources: ['/\\/src\\/index\\.js$/'] }],
    },
  ],
  invalid: [
    {
      name: 'discarded with _',
      code: `${I}function startWorker(parent) { const [ctx, _] = withCancel(parent); run(ctx); }`,
      errors: [{ messageId: 'discarded', line: 2, column: 44, data: { fn: 'withCancel', name: 'cancel' } }],
    },
    {
      name: 'discarded with an underscore-prefixed name that is never used',
      code: `${I}function f(parent) { const [ctx, _cancel] = withTimeout(parent, 5); run(ctx); }`,
      errors: [{ messageId: 'discarded', line: 2, column: 34, data: { fn: 'withTimeout', name: 'cancel' } }],
    },
    {
      name: 'discarded: only the context destructured',
      code: `${I}function f(parent) { const [ctx] = withCancel(parent); run(ctx); }`,
      errors: [{ messageId: 'discarded', line: 2, column: 36 }],
    },
    {
      name: 'discarded: a hole where the cancel would be',
      code: `${I}function f(parent) { const [ctx, ,] = withCancel(parent); run(ctx); }`,
      errors: [{ messageId: 'discarded' }],
    },
    {
      name: 'discarded: an expression statement',
      code: `${I}function f(parent) { withCancel(parent); }`,
      errors: [{ messageId: 'discarded', line: 2, column: 22 }],
    },
    {
      name: 'discarded: void',
      code: `${I}function f(parent) { void withTimeout(parent, 10); }`,
      errors: [{ messageId: 'discarded' }],
    },
    {
      name: 'discarded: only [0] read from the result',
      code: `${I}function f(parent) { const ctx = withCancel(parent)[0]; run(ctx); }`,
      errors: [{ messageId: 'discarded' }],
    },
    {
      name: 'discarded at module top level',
      code: `${I}const [root] = withCancel(background());
await main(root);`,
      errors: [{ messageId: 'discarded' }],
    },
    {
      name: 'never called',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); run(ctx); }`,
      errors: [{ messageId: 'neverCalled', line: 2, column: 34, data: { fn: 'withCancel', name: 'cancel' } }],
    },
    {
      name: 'never called: only voided',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); void cancel; run(ctx); }`,
      errors: [{ messageId: 'neverCalled' }],
    },
    {
      name: 'never called: a closure alias that is never called either',
      code: `${I}function f(parent) { const [ctx, cancel] = withCancel(parent); const stop = () => cancel(); run(ctx); }`,
      errors: [{ messageId: 'neverCalled' }],
    },
    {
      name: 'never called: the tuple variable only read for its context',
      code: `${I}function f(parent) { const pair = withCancel(parent); run(pair[0]); }`,
      errors: [{ messageId: 'neverCalled', data: { fn: 'withCancel', name: 'pair[1]' } }],
    },
    {
      name: 'never called: a loop that keeps only the context',
      code: `${I}function f(parent, items) { for (const item of items) { const [ctx, cancel] = withCancel(parent); run(ctx, item); } }`,
      errors: [{ messageId: 'neverCalled' }],
    },
    {
      name: 'never called at module top level',
      code: `${I}const [ctx, cancel] = withTimeout(background(), 1000);
await main(ctx);`,
      errors: [{ messageId: 'neverCalled' }],
    },
    {
      name: 'called in one branch only in a static block',
      code: `${I}class Registry {
  static {
    const [ctx, cancel] = withCancel(background());
    if (ctx.err()) cancel();
  }
}`,
      errors: [
        { messageId: 'lostCancel', line: 4 },
        { messageId: 'endReached', line: 6, column: 3, data: { name: 'cancel', line: '4', where: 'static block' } },
      ],
    },
    {
      name: 'an early return before the call',
      code: `${I}function handler(parent, ok) {
  const [ctx, cancel] = withTimeout(parent, 200);
  if (!ok) {
    return;
  }
  doWork(ctx);
  cancel();
}`,
      errors: [
        { messageId: 'lostCancel', line: 3, column: 15, data: { fn: 'withTimeout' } },
        { messageId: 'returnReached', line: 5, column: 5, data: { name: 'cancel', line: '3' } },
      ],
    },
    {
      name: 'an early return before try/finally',
      code: `${I}async function handler(parent, ok) {
  const [ctx, cancel] = withTimeout(parent, 200);
  if (!ok) return;
  try { await doWork(ctx); } finally { cancel(); }
}`,
      errors: [
        { messageId: 'lostCancel', line: 3 },
        { messageId: 'returnReached', line: 4, column: 12 },
      ],
    },
    {
      name: 'an early throw before the call',
      code: `${I}function f(parent, ok) {
  const [ctx, cancel] = withCancel(parent);
  if (!ok) throw new Error('invalid');
  doWork(ctx);
  cancel();
}`,
      errors: [
        { messageId: 'lostCancel', line: 3 },
        { messageId: 'throwReached', line: 4, column: 12 },
      ],
    },
    {
      name: 'called in one branch only',
      code: `${I}function f(parent, ok) {
  const [ctx, cancel] = withCancel(parent);
  if (ok) {
    cancel();
  }
}`,
      errors: [
        { messageId: 'lostCancel', line: 3 },
        { messageId: 'endReached', line: 7, column: 1 },
      ],
    },
    {
      name: 'an explicit throw inside try, through a finally that does not cancel',
      code: `${I}async function f(parent, ok) {
  const [ctx, cancel] = withTimeout(parent, 100);
  try {
    await doWork(ctx);
    if (!ok) throw new Error('rejected');
    cancel();
  } finally {
    log('done');
  }
}`,
      errors: [{ messageId: 'lostCancel', line: 3 }, { messageId: 'throwReached', line: 6, column: 14 }],
    },
    {
      name: 'a catch that returns without cancelling',
      code: `${I}async function f(parent) {
  const [ctx, cancel] = withCancel(parent);
  try { await doWork(ctx); } catch { return false; }
  cancel();
  return true;
}`,
      errors: [
        { messageId: 'lostCancel', line: 3 },
        { messageId: 'returnReached', line: 4, column: 38 },
      ],
    },
    {
      name: 'using placed after an early return',
      code: `${I}async function f(parent, ok) {
  const [ctx, cancel] = withTimeout(parent, 100);
  if (!ok) return null;
  using _ = cancel;
  return doWork(ctx);
}`,
      errors: [{ messageId: 'lostCancel' }, { messageId: 'returnReached', line: 4 }],
    },
    {
      name: 'handed on in one branch only',
      code: `${I}function f(parent, x) { const [ctx, cancel] = withCancel(parent); if (x) return cancel; doWork(ctx); }`,
      errors: [{ messageId: 'lostCancel' }, { messageId: 'endReached' }],
    },
    {
      name: 'a closure alias called in one branch only',
      code: `${I}function f(parent, ok) {
  const [ctx, cancel] = withCancel(parent);
  const stop = () => cancel();
  if (!ok) return;
  stop();
}`,
      errors: [{ messageId: 'lostCancel' }, { messageId: 'returnReached', line: 5 }],
    },
    {
      name: 'a loop iteration that continues before cancelling',
      code: `${I}function f(parent, items) {
  for (const item of items) {
    const [ctx, cancel] = withCancel(parent);
    if (item.skip) continue;
    run(ctx, item);
    cancel();
  }
}`,
      errors: [{ messageId: 'lostCancel', line: 4 }, { messageId: 'endReached', line: 9 }],
    },
    {
      name: 'a break that leaves the loop before the call, through a finally that does not cancel',
      code: `${I}function f(parent, items) {
  for (const item of items) {
    const [ctx, cancel] = withCancel(parent);
    try {
      if (item.last) break;
      run(ctx, item);
    } finally {
      log(item);
    }
    cancel();
  }
}`,
      errors: [{ messageId: 'lostCancel', line: 4 }, { messageId: 'endReached', line: 13 }],
    },
    {
      name: 'the tuple variable cancelled on one path only',
      code: `${I}function f(parent, ok) { const pair = withCancel(parent); if (ok) pair[1](); }`,
      errors: [{ messageId: 'lostCancel' }, { messageId: 'endReached', data: { name: 'pair[1]', line: '2', where: 'function' } }],
    },
    {
      name: 'a renamed import',
      code: `import { withCancel as wc } from 'ctxkit';
function f(p) { const [ctx] = wc(p); return ctx; }`,
      errors: [{ messageId: 'discarded', data: { fn: 'withCancel', name: 'cancel' } }],
    },
    {
      name: 'a namespace import',
      code: `import * as ck from 'ctxkit';
function f(p) { ck.withTimeout(p, 5); const [ctx, cancel] = ck['withDeadline'](p, 0); return ctx; }`,
      errors: [{ messageId: 'discarded', data: { fn: 'withTimeout', name: 'cancel' } }, { messageId: 'neverCalled' }],
    },
    {
      name: 'require() destructuring and a require() namespace',
      code: `const { withTimeout } = require('ctxkit');
const ck = require('ctxkit');
function f(p) { const [ctx, cancel] = withTimeout(p, 5); ck.withCancel(p); return ctx; }`,
      errors: [{ messageId: 'neverCalled' }, { messageId: 'discarded' }],
    },
    {
      name: 'a dynamic import',
      code: `const { withSignal } = await import('ctxkit');
export function f(p, s) { const [ctx] = withSignal(p, s); return ctx; }`,
      errors: [{ messageId: 'discarded', data: { fn: 'withSignal', name: 'cancel' } }],
    },
    ...['withCancel(p)', 'withCancelCause(p)', 'withTimeout(p, 1)', 'withTimeoutCause(p, 1, c)', 'withDeadline(p, d)', 'withDeadlineCause(p, d, c)', 'withSignal(p, s)'].map(
      (call) => ({
        name: `every constructor: ${call}`,
        code: `${I}function f(p, d, c, s) { const [ctx] = ${call}; return ctx; }`,
        errors: [{ messageId: 'discarded' as const, data: { fn: call.slice(0, call.indexOf('(')), name: 'cancel' } }],
      }),
    ),
    {
      name: 'importSources: a relative path matched by a pattern',
      code: `import { withCancel } from '../src/index.js';
function f(p) { const [ctx] = withCancel(p); return ctx; }`,
      options: [{ importSources: ['ctxkit', '/\\/src\\/index\\.js$/'] }],
      errors: [{ messageId: 'discarded' }],
    },
  ],
});

runRule(
  'TypeScript syntax',
  {
    valid: [
      {
        name: 'class with typed fields assigned in the constructor',
        code: `import { withCancel, type CancelFunc, type Context } from 'ctxkit';
export class Worker {
  private readonly ctx: Context;
  private readonly cancel: CancelFunc;
  constructor(parent: Context) {
    [this.ctx, this.cancel] = withCancel(parent);
  }
  stop(): void {
    this.cancel();
  }
}`,
      },
      {
        name: 'a class field initialised with the pair',
        code: `import { background, withCancel } from 'ctxkit';
export class Server {
  readonly #scope = withCancel(background());
  close(): void { this.#scope[1](); }
}`,
      },
      {
        name: 'type assertions and non-null assertions around the value',
        code: `import { withTimeout, type CancelFunc, type Context } from 'ctxkit';
function f(parent: Context): void {
  const [ctx, cancel] = withTimeout(parent, 5) as [Context, CancelFunc];
  run(ctx);
  (cancel as CancelFunc)();
}
function g(parent: Context, holder: { c?: CancelFunc }): void {
  let cancel: CancelFunc | undefined;
  let ctx: Context;
  [ctx, cancel] = withTimeout(parent, 5);
  run(ctx);
  cancel!();
}`,
      },
      {
        name: 'using with a typed binding',
        code: `import { withCancel, type Context } from 'ctxkit';
export async function f(parent: Context): Promise<void> {
  const [ctx, cancel] = withCancel(parent);
  using cancelScope = cancel;
  await run(ctx);
}`,
      },
      {
        name: 'import ck = require() namespace, cancelled',
        code: `import ck = require('ctxkit');
export function f(p: ck.Context): void { const [ctx, cancel] = ck.withCancel(p); run(ctx); cancel(); }`,
      },
      {
        name: 'an interface method named withCancel is not ctxkit',
        code: `import type { Context } from 'ctxkit';
interface Scope { withCancel(p: Context): [Context, () => void] }
export function f(s: Scope, p: Context): Context { const [ctx] = s.withCancel(p); return ctx; }`,
      },
    ],
    invalid: [
      {
        name: 'a type-position typeof is not a use',
        code: `import { withCancel, type Context } from 'ctxkit';
export function f(parent: Context): Context {
  const [ctx, cancel] = withCancel(parent);
  let later: typeof cancel | undefined;
  const check = (f: typeof cancel): boolean => f === later;
  void check;
  return ctx;
}`,
        errors: [{ messageId: 'neverCalled', line: 3 }],
      },
      {
        name: 'import ck = require() namespace',
        code: `import ck = require('ctxkit');
export function f(p: ck.Context): ck.Context { const [ctx] = ck.withCancel(p); return ctx; }`,
        errors: [{ messageId: 'discarded' }],
      },
      {
        name: 'typed early return',
        code: `import { withTimeout, type Context } from 'ctxkit';
export async function f(parent: Context, ok: boolean): Promise<number> {
  const [ctx, cancel] = withTimeout(parent, 100);
  if (!ok) return -1;
  try { return await run(ctx); } finally { cancel(); }
}`,
        errors: [{ messageId: 'lostCancel', line: 3 }, { messageId: 'returnReached', line: 4 }],
      },
    ],
  },
  ['typescript-eslint'],
);
