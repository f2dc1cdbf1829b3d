/**
 * What `ctxkit/debug` may see of the core, published with the rest of the
 * implementation (see shared.ts) so that the debug tools of any copy of
 * ctxkit inspect the contexts of the copy actually in use. Not part of the
 * public API.
 */
import { setHook } from './hook.js';
import { Ctx } from './ctx.js';
import { CancelCtx } from './tree.js';
import { TimerCtx } from './with-deadline.js';
import { SignalCtx } from './with-signal.js';
import { ValueCtx } from './with-value.js';
import { WithoutCancelCtx } from './without-cancel.js';
import { EmptyCtx } from './background.js';
import { childrenOfForeign } from './foreign.js';
import { formatDuration, stringify, typeName } from './describe.js';
import { cancelCtxKey } from './key.js';

export const internals = {
  setHook,
  Ctx,
  CancelCtx,
  TimerCtx,
  SignalCtx,
  ValueCtx,
  WithoutCancelCtx,
  EmptyCtx,
  childrenOfForeign,
  formatDuration,
  stringify,
  typeName,
  cancelCtxKey,
};

export type Internals = typeof internals;
