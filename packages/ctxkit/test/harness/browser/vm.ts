/**
 * `runInNewContext` of `node:vm`, for the browser run of the core and sync
 * tests (vitest.browser.config.ts aliases `node:vm` here): evaluates `code`
 * in a fresh iframe, the browser's other realm, so the value it returns is
 * made by that realm's built-ins (a `Date` from an iframe).
 */
export function runInNewContext(code: string): unknown {
  const frame = document.createElement('iframe');
  frame.style.display = 'none';
  document.body.appendChild(frame);
  return (frame.contentWindow as unknown as { eval(code: string): unknown }).eval(code);
}
