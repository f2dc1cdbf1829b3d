import type { Context } from './context.js';
import { UncancellableCtx } from './uncancellable.js';

/**
 * A root context: never cancelled, no deadline, no values. Its signal is
 * created on first read and never aborts.
 */
export class EmptyCtx extends UncancellableCtx {
  _name: string;
  constructor(name: string) {
    super();
    this._name = name;
  }
  value(_key: unknown): undefined {
    return undefined;
  }
  _label(): string {
    return this._name;
  }
  _up(): undefined {
    return undefined;
  }
}

const BACKGROUND = new EmptyCtx('context.Background');
const TODO = new EmptyCtx('context.TODO');

/**
 * Returns the root context: never cancelled, no deadline, no values. It is
 * the same object on every call; `String(background())` is
 * "context.Background". Use it in `main`, initialisation and tests, as the
 * top of every tree.
 */
export function background(): Context {
  return BACKGROUND;
}

/**
 * Returns a root context like {@link background} (a distinct singleton,
 * `String(todo())` is "context.TODO"), for code that should take a context
 * but whose caller does not pass one yet.
 */
export function todo(): Context {
  return TODO;
}
