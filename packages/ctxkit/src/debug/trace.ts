/**
 * Derivation tracing: where every context was made.
 */
import type { Context } from '../index.js';
import { checkCtx, hasStacks, setTracking } from './state.js';
import { type ViewOptions, line, nowOf, up, view } from './node.js';

/**
 * Switches derivation tracing on: from now on every `with*` call records
 * the caller's file:line (and when), and live cancellable contexts are
 * tracked for {@link leakReport} and the debug page. Each derivation then
 * captures a one-frame stack trace — microseconds, not nanoseconds — so this
 * is for debugging sessions and tests, not for production hot paths.
 * Contexts derived before the call have no recorded site.
 */
export function enableTracing(): void {
  setTracking(true, true);
}

/**
 * Switches derivation tracing (and context tracking) off and forgets what
 * was tracked. The core then calls nothing on its hot paths for it.
 */
export function disableTracing(): void {
  setTracking(false, false);
}

/** True while derivation tracing is on. */
export function isTracing(): boolean {
  return hasStacks();
}

/**
 * Returns `ctx`'s derivation history, newest first: one line per context
 * from `ctx` up to its root, each with the function that made it and the
 * file:line it was called from (recorded while tracing was on; "(not
 * traced)" otherwise), e.g.
 *
 *     WithCancel live  [withCancel at handler (/app/server.ts:42:18)]
 *     WithValue key=user  [withValue at auth (/app/middleware.ts:31:9)]
 *     WithValue key=requestId  [withValue at requestId (/app/middleware.ts:12:15)]
 *     context.Background
 *
 * Values are shown by key only unless `{ values: true }`.
 *
 * @throws {TypeError} if `ctx` is not a Context or `opts` not an object;
 *   {RangeError} if `opts.now` is not finite.
 */
export function trace(ctx: Context, opts: ViewOptions = {}): string {
  checkCtx(ctx, 'trace');
  const now = nowOf(opts, 'trace');
  const out: string[] = [];
  for (let c: Context | undefined = ctx; c !== undefined; c = up(c)) {
    const v = view(c, { ...opts, now });
    const root = up(c) === undefined;
    out.push(line(v) + (v.site === undefined && !root ? '  (not traced)' : ''));
  }
  return out.join('\n');
}
