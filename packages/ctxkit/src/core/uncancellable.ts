import { Ctx } from './ctx.js';

/**
 * A context that can never be cancelled: the roots and withoutCancel. No
 * deadline, no err, and a signal that never aborts — its own, created on
 * first read: a signal shared between such contexts would collect the
 * listeners of every request that ever read it, and never release them.
 */
export abstract class UncancellableCtx extends Ctx {
  _sig: AbortSignal | undefined;
  constructor() {
    super();
    this._sig = undefined;
  }
  deadline(): undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    return (this._sig ??= new AbortController().signal);
  }
  err(): undefined {
    return undefined;
  }
}
