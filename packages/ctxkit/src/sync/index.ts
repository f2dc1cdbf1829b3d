/**
 * ctxkit/sync — the tools Go programmers build on `context`, for
 * TypeScript: {@link Group} (golang.org/x/sync/errgroup), {@link run}
 * (structured concurrency), {@link Semaphore}
 * (golang.org/x/sync/semaphore.Weighted) and a context-aware {@link Mutex}.
 *
 * Built on the core's public API only. Every wait honours a context and
 * leaves nothing registered on it once it settles.
 *
 * @packageDocumentation
 */
export { Group } from './group.js';
export { run } from './run.js';
export { Semaphore } from './semaphore.js';
export { Mutex } from './mutex.js';
