/**
 * ctxkit/debug — see what your context trees are doing.
 *
 * - {@link ancestry} and {@link descendants}: ASCII trees of one context.
 * - {@link enableTracing} and {@link trace}: where every context was made.
 * - {@link enableStats} and {@link stats}: counters cheap enough for
 *   production; {@link leakReport}: contexts alive too long, by creation site.
 * - {@link snapshot}: the live trees as data for a debug endpoint;
 *   {@link debugHandler} / {@link debugFetchHandler}: the page and JSON
 *   endpoint that serve them ({@link renderPage}).
 *
 * Importing this module changes nothing: the core calls into it only while
 * one of its tools is switched on. Values are shown by key only unless a
 * call asks for `{ values: true }`.
 *
 * @packageDocumentation
 */
export type { NodeView, ViewOptions } from './node.js';
export type { Site } from './state.js';
export { ancestry, descendants } from './tree.js';
export { disableTracing, enableTracing, isTracing, trace } from './trace.js';
export { type Stats, childrenOf, disableStats, enableStats, stats } from './stats.js';
export { type LeakGroup, type LeakReport, enableTracking, leakReport } from './leaks.js';
export { type Snapshot, type SnapshotNode, type SnapshotTree, snapshot } from './snapshot.js';
export {
  type DebugHandler,
  type DebugHandlerOptions,
  type DebugRequest,
  type DebugResponse,
  debugFetchHandler,
  debugHandler,
  escapeHtml,
  renderPage,
} from './page.js';
