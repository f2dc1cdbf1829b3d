/**
 * `getEventListeners` of `node:events`, for the browser run of the core and
 * sync tests (vitest.browser.config.ts aliases `node:events` here). Browsers
 * cannot list an EventTarget's listeners, so this module wraps
 * `EventTarget.prototype.addEventListener`/`removeEventListener` (calling
 * through) and keeps the list itself. It is loaded as a setup file, before
 * any test adds a listener.
 */

type Entry = { listener: unknown; capture: boolean };

const registry = new WeakMap<EventTarget, Map<string, Entry[]>>();
const proto = EventTarget.prototype;
const add = proto.addEventListener;
const remove = proto.removeEventListener;

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === 'boolean' ? options : options?.capture === true;
}

proto.addEventListener = function (this: EventTarget, type: string, listener: any, options?: boolean | AddEventListenerOptions) {
  add.call(this, type, listener, options);
  if (listener == null) return;
  const opts = typeof options === 'object' ? options : undefined;
  if (opts?.signal?.aborted === true) return;
  const capture = captureOf(options);
  let byType = registry.get(this);
  if (byType === undefined) registry.set(this, (byType = new Map()));
  let list = byType.get(type);
  if (list === undefined) byType.set(type, (list = []));
  if (list.some((e) => e.listener === listener && e.capture === capture)) return;
  const entry: Entry = { listener, capture };
  list.push(entry);
  const drop = () => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  };
  // Registered with the original method, so never listed themselves.
  if (opts?.once === true) add.call(this, type, drop, { once: true, capture });
  if (opts?.signal !== undefined) add.call(opts.signal, 'abort', drop, { once: true });
};

proto.removeEventListener = function (this: EventTarget, type: string, listener: any, options?: boolean | EventListenerOptions) {
  remove.call(this, type, listener, options);
  const list = registry.get(this)?.get(type);
  if (list === undefined) return;
  const capture = captureOf(options);
  const i = list.findIndex((e) => e.listener === listener && e.capture === capture);
  if (i >= 0) list.splice(i, 1);
};

/** The listeners for `type` currently registered on `target`, in registration order. */
export function getEventListeners(target: EventTarget, type: string): unknown[] {
  return (registry.get(target)?.get(type) ?? []).map((e) => e.listener);
}
