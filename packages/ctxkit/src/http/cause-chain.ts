/**
 * The `.cause` walk behind `isClientDisconnected` and `isClientCancelled`.
 */

/**
 * Whether `err` or an error reached from it through `.cause` links is an
 * instance of `cls`. Terminates on cyclic chains.
 */
export function causeChainHas(err: unknown, cls: abstract new (...args: never[]) => unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    if (e instanceof cls) return true;
    seen.add(e);
  }
  return false;
}
