import type { Context } from './context.js';
import { describe } from './describe.js';

/**
 * The base of every context ctxkit makes. It carries no fields so that each
 * subclass keeps the smallest shape it can; `instanceof Ctx` tells ctxkit's
 * own contexts from user-written ones.
 */
export abstract class Ctx implements Context {
  abstract deadline(): Date | undefined;
  abstract get signal(): AbortSignal;
  abstract err(): Error | undefined;
  abstract value(key: unknown): any;
  /** This context's own part of its description, e.g. ".WithCancel". */
  abstract _label(): string;
  /** The context this one was derived from; undefined only for the roots. */
  abstract _up(): Context | undefined;
  /**
   * Describes the derivation like Go's `String()`, e.g.
   * "context.Background.WithCancel.WithValue(requestId, r-1)".
   */
  toString(): string {
    return describe(this);
  }
}
