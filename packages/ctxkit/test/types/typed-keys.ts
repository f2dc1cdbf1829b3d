/**
 * Compile-time contracts of typed keys, checked by `npm run typecheck`
 * (nothing here runs). tsc rejects an unused `@ts-expect-error`, so every
 * line marked with one must stay a type error.
 */
import { background, createKey, withValue } from '../../src/index.js';

const bg = background();
const count = createKey<number>('count');
const maybe = createKey<string | undefined>('maybe');
const anything = createKey<unknown>('anything');

// A Key<T> takes a T, and value() gives it back as T | undefined.
const withCount = withValue(bg, count, 1);
const _count: number | undefined = withCount.value(count);
// @ts-expect-error value() of a Key<number> is not a string
const _wrongRead: string | undefined = withCount.value(count);

// @ts-expect-error a Key<number> does not take a string
withValue(bg, count, 'text');
// @ts-expect-error nor undefined, unless its type says so
withValue(bg, count, undefined);
// @ts-expect-error nor an object
withValue(bg, count, { n: 1 });
withValue(bg, maybe, undefined);
withValue(bg, maybe, 'text');
// @ts-expect-error a Key<string | undefined> does not take a number
withValue(bg, maybe, 1);
withValue(bg, anything, { any: 'thing' });

// A key typed through a variable of type Key<T> is still typed.
const viaVariable: typeof count = count;
// @ts-expect-error a Key<number> held in a variable does not take a string
withValue(bg, viaVariable, 'text');

// Untyped keys (strings, symbols, objects, classes) take any value.
withValue(bg, 'session', { user: 'ada' });
withValue(bg, Symbol('trace'), 42);
withValue(bg, {}, 'text');
withValue(bg, { name: 'looks like a key' }, 1);
class Tag {}
withValue(bg, Tag, new Tag());
withValue(bg, 7, null);
const unknownKey: unknown = 'k';
withValue(bg, unknownKey, 1);
const _untyped: unknown = withValue(bg, 'session', 1).value('session');
