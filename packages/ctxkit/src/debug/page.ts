/**
 * The debug page: the live context trees as HTML and JSON, for a debug
 * endpoint. Off unless mounted: making a handler switches context tracking
 * on; nothing else here touches the core.
 *
 * Everything a snapshot holds may be user text (causes, keys, values,
 * creation sites, request ids), so every string goes through one function,
 * {@link escapeHtml}, on its way into the page. The page needs no script
 * and loads nothing: it is served with a Content-Security-Policy that
 * allows inline styles and nothing else.
 *
 * No `node:` import: the handler is typed structurally, so that this entry
 * point loads in every runtime.
 */
import { I } from './state.js';
import { enableTracking } from './leaks.js';
import { type Snapshot, snapshot } from './snapshot.js';

// --- escaping ----------------------------------------------------------------

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Control characters (C0 but tab and newline, DEL, C1) and the Unicode
 * bidirectional overrides and isolates: shown as `\u….` escapes, so that a
 * cause cannot reorder or hide the text around it.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns `s` as HTML text, safe both between tags and inside a quoted
 * attribute value: `&`, `<`, `>`, `"` and `'` become character
 * references, and control and bidirectional-override characters are shown
 * as `\uXXXX`. The one escaping function of the page: every string from a
 * snapshot passes through it.
 */
export function escapeHtml(s: string): string {
  return String(s)
    .replace(INVISIBLE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Longest text shown for one field; the JSON has it whole. */
const MAX_TEXT = 500;

/** Any snapshot field as escaped text: strings (cut at {@link MAX_TEXT}), finite numbers and booleans; "" for anything else. */
function h(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) + '…' : v;
  else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') s = String(v);
  else return '';
  return escapeHtml(s);
}

// A snapshot may come from JSON (another process's endpoint): read every
// field defensively, never trusting its type.
type Rec = Readonly<Record<string, unknown>>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null ? (v as Rec) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function duration(ms: unknown): string {
  const n = num(ms);
  return n === undefined ? '?' : I.formatDuration(Math.round(n));
}

// --- the page ----------------------------------------------------------------

/** Rows of tree drawn at most, over all trees; the JSON has every context. */
const MAX_ROWS = 2000;
/** Children of one context drawn at most; the rest are summarised by creation site. */
const MAX_CHILDREN = 50;
/** Levels drawn with indentation; deeper ones carry a depth marker instead (as the ASCII trees). */
const MAX_INDENT = 32;
/** Creation sites listed at most in the by-site table. */
const MAX_SITES = 25;

const TEE = '├── ';
const ELL = '└── ';
const BAR = '│   ';
const GAP = '    ';

const STATS: readonly (readonly [key: string, label: string, note: string])[] = [
  ['liveContexts', 'live contexts', 'derived, not yet cancelled — a figure that only grows points at a lost cancel'],
  ['derived', 'derived', 'cancellable contexts made'],
  ['cancelled', 'cancelled', 'by any path: cancel call, parent, deadline'],
  ['armedTimers', 'armed timers', 'deadline timers of live contexts'],
  ['foreignRegistrations', 'foreign registrations', 'listeners on user-written parents and AbortSignals'],
  ['pendingWaits', 'pending waits', 'done() / race() / sleep() waiting'],
];

const CSS = `
:root{color-scheme:light dark;--bg:#fbfbfa;--fg:#1d2125;--mute:#6a737d;--line:#e3e5e8;--card:#fff;--live:#1a7f37;--live-bg:#dafbe1;--dead:#57606a;--dead-bg:#eaeef2;--late:#9a6700;--late-bg:#fff8c5;--bad:#cf222e;--bad-bg:#ffebe9;--key:#8250df;--kind:#0550ae;--glyph:#afb8c1}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#8d96a0;--line:#30363d;--card:#161b22;--live:#3fb950;--live-bg:#12261e;--dead:#8d96a0;--dead-bg:#21262d;--late:#d29922;--late-bg:#2b2111;--bad:#f85149;--bad-bg:#2d1214;--key:#bc8cff;--kind:#79c0ff;--glyph:#484f58}}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:20px;margin:0 0 4px}h1 small{font-weight:400;color:var(--mute)}
h2{font-size:15px;margin:28px 0 10px}
a{color:var(--kind)}
.meta{margin:0;color:var(--mute)}
.note{color:var(--mute);margin:4px 0 10px}
.warn{background:var(--late-bg);color:var(--late);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px;margin:16px 0 0;padding:0}
.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0}
.stat dt{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.stat dd{margin:2px 0 0}.stat .n{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}.stat .d{display:block;color:var(--mute);font-size:12px}
table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;min-width:50%}
th,td{text-align:left;padding:6px 12px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:12px;color:var(--mute);font-weight:600}
td.c{text-align:right;font-variant-numeric:tabular-nums}
code,.tree{font:12.5px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tree{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:0 0 14px;overflow-x:auto}
.tree ul{list-style:none;margin:0;padding:0}
.tree li{white-space:pre}
.above{color:var(--mute);padding-bottom:2px}
.g{color:var(--glyph)}
.k{color:var(--kind);font-weight:600}
.key{color:var(--key)}
.val{color:var(--fg)}
.st{display:inline-block;padding:0 6px;border-radius:9px;font-size:11.5px;line-height:17px}
.s-live{color:var(--live);background:var(--live-bg)}.s-dead{color:var(--dead);background:var(--dead-bg)}.s-late{color:var(--late);background:var(--late-bg)}.s-bad{color:var(--bad);background:var(--bad-bg)}
.f{color:var(--mute)}.f b{color:var(--fg);font-weight:500}
.cause{color:var(--bad)}
.site{color:var(--mute);font-style:italic}
.more{color:var(--mute);font-style:italic}
.empty{color:var(--mute);font-style:italic}
footer{margin-top:28px;color:var(--mute);font-size:12px}
`;

function stateClass(state: string): string {
  if (state === 'live') return 's-live';
  if (state === 'canceled' || state === 'never canceled') return 's-dead';
  if (state === 'deadline exceeded') return 's-late';
  return 's-bad';
}

/** A view's key (and value), for a value context. */
function keyHtml(v: Rec): string {
  let s = ` <span class="key">key=${h(v.key)}</span>`;
  if (v.value !== undefined) s += ` <span class="val">value=${h(v.value)}</span>`;
  return s;
}

/** "withTimeout at handler (/app/server.ts:42:18)", or just the function without stacks; undefined without a site. */
function siteText(site: unknown): string | undefined {
  const s = rec(site);
  const api = str(s.api);
  if (api === undefined) return undefined;
  const at = str(s.at) ?? '';
  return at === '' ? api : `${api} at ${at}`;
}

/** One context, described on one line: kind, key (and value), state, remaining time, deadline, cause. */
function viewHtml(view: unknown): string {
  const v = rec(view);
  const kind = str(v.kind) ?? '?';
  const state = str(v.state) ?? '';
  let s = `<span class="k">${h(kind)}</span>`;
  if (v.key !== undefined) s += keyHtml(v);
  if (kind !== 'WithValue' && state !== '' && state !== 'never canceled') s += ` <span class="st ${stateClass(state)}">${h(state)}</span>`;
  if (v.remaining !== undefined) s += ` <span class="f">remaining <b>${h(v.remaining)}</b></span>`;
  if (v.deadline !== undefined) s += ` <span class="f">deadline <b>${h(v.deadline)}</b></span>`;
  if (v.cause !== undefined) s += ` <span class="cause">cause: ${h(v.cause)}</span>`;
  return s;
}

/** A context on the way to another (an ancestor, a value context between two): its creation site as a tooltip. */
function stepHtml(view: unknown): string {
  const site = siteText(rec(view).site);
  return site === undefined ? `<span>${viewHtml(view)}</span>` : `<span title="made by ${h(site)}">${viewHtml(view)}</span>`;
}

/** A snapshot node: the contexts it was derived through, then itself, its age, its waiters and its creation site. */
function nodeHtml(node: Rec): string {
  const via = list(node.via).map((v) => stepHtml(v) + ' <span class="g">→</span> ');
  let s = via.join('') + viewHtml(node);
  s += ` <span class="f">age <b>${h(duration(node.ageMs))}</b></span>`;
  const waiting = num(node.waiting) ?? 0;
  if (waiting > 0) s += ` <span class="f"><b>${h(waiting)}</b> waiting</span>`;
  const site = siteText(node.site);
  if (site !== undefined) s += `  <span class="site">${h(site)}</span>`;
  return s;
}

/** "api at site" of a node, for grouping; the kind when the node has no site. */
function siteKey(node: Rec): string {
  return siteText(node.site) ?? str(node.kind) ?? '?';
}

/** Every node of a subtree, iteratively (trees may be deep), each once. */
function* walk(roots: readonly unknown[], seen: Set<unknown>): Generator<Rec> {
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const n = stack.pop();
    if (typeof n !== 'object' || n === null || seen.has(n)) continue;
    seen.add(n);
    const r = n as Rec;
    yield r;
    const kids = list(r.children);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

interface Group {
  site: string;
  count: number;
  oldest: number;
}

function groupBySite(nodes: Iterable<Rec>): Group[] {
  const by = new Map<string, Group>();
  for (const n of nodes) {
    const k = siteKey(n);
    const age = num(n.ageMs) ?? 0;
    const g = by.get(k);
    if (g === undefined) by.set(k, { site: k, count: 1, oldest: age });
    else {
      g.count++;
      if (age > g.oldest) g.oldest = age;
    }
  }
  return [...by.values()].sort((a, b) => b.count - a.count || b.oldest - a.oldest);
}

type Item =
  | { node: Rec; prefix: string; last: boolean; depth: number }
  | { more: readonly unknown[]; prefix: string };

/** The rows of one tree's children; `budget.rows` counts down over the whole page. */
function treeRows(children: readonly unknown[], budget: { rows: number }, seen: Set<unknown>): string[] {
  const out: string[] = [];
  const stack: Item[] = [];
  const push = (kids: readonly unknown[], prefix: string, depth: number): void => {
    const shown = kids.length > MAX_CHILDREN ? kids.slice(0, MAX_CHILDREN) : kids;
    if (shown !== kids) stack.push({ more: kids.slice(MAX_CHILDREN), prefix });
    for (let i = shown.length - 1; i >= 0; i--) {
      const n = shown[i];
      if (typeof n === 'object' && n !== null) stack.push({ node: n as Rec, prefix, last: i === shown.length - 1 && shown === kids, depth });
    }
  };
  push(children, '', 1);
  while (stack.length > 0) {
    const it = stack.pop()!;
    if (budget.rows <= 0) {
      // Out of rows: say how much is left in this tree, and stop.
      const rest = [it, ...stack].flatMap((x) => ('more' in x ? x.more : [x.node]));
      let n = 0;
      for (const _ of walk(rest, seen)) n++;
      if (n > 0) out.push(`<li class="more">… ${n} more context${n === 1 ? '' : 's'} not drawn (the JSON has them all)</li>`);
      break;
    }
    budget.rows--;
    if ('more' in it) {
      const nodes = [...walk(it.more, seen)];
      const groups = groupBySite(it.more.filter((x): x is Rec => typeof x === 'object' && x !== null));
      const like = groups
        .slice(0, 3)
        .map((g) => `${g.count} × ${h(g.site)}`)
        .join('; ');
      out.push(
        `<li><span class="g">${it.prefix}${ELL}</span><span class="more">… ${it.more.length} more children` +
          `${nodes.length > it.more.length ? ` (${nodes.length} contexts with their descendants)` : ''}: ${like}${groups.length > 3 ? '; …' : ''}</span></li>`,
      );
      continue;
    }
    if (seen.has(it.node)) continue;
    seen.add(it.node);
    const deep = it.depth > MAX_INDENT ? `<span class="f">[depth ${it.depth}]</span> ` : '';
    out.push(`<li><span class="g">${it.prefix}${it.last ? ELL : TEE}</span>${deep}${nodeHtml(it.node)}</li>`);
    const next = it.depth >= MAX_INDENT ? it.prefix : it.prefix + (it.last ? GAP : BAR);
    push(list(it.node.children), next, it.depth + 1);
  }
  return out;
}

function statsHtml(stats: unknown): string {
  const s = rec(stats);
  const items = STATS.map(
    ([key, label, note]) => `<div class="stat"><dt>${h(label)}</dt><dd><span class="n">${h(num(s[key]) ?? 0)}</span><span class="d">${h(note)}</span></dd></div>`,
  );
  return `<dl class="stats">\n${items.join('\n')}\n</dl>`;
}

function sitesHtml(groups: readonly Group[]): string {
  if (groups.length === 0) return '';
  const rows = groups
    .slice(0, MAX_SITES)
    .map((g) => `<tr><td class="c">${h(g.count)}</td><td><code>${h(g.site)}</code></td><td class="c">${h(duration(g.oldest))}</td></tr>`);
  const more = groups.length > MAX_SITES ? `<tr><td></td><td class="more" colspan="2">… ${groups.length - MAX_SITES} more sites</td></tr>` : '';
  return (
    '<h2>Where the live contexts were made</h2>' +
    '<p class="note">One row per creation site, most contexts first: a site whose count keeps growing from one refresh to the next is a cancel function that is never called.</p>' +
    `<table><thead><tr><th>live</th><th>made by</th><th>oldest</th></tr></thead><tbody>\n${rows.join('\n')}${more}\n</tbody></table>`
  );
}

/**
 * Renders a {@link snapshot} as a self-contained HTML page: the counters,
 * the live contexts grouped by creation site, and the trees, one line per
 * context with its kind, the value keys it was derived through, its state,
 * deadline and remaining time, cause, age, waiters and (tracing on)
 * creation site — values only if the snapshot holds them.
 *
 * No script, no external asset, no inline event handler; every string of
 * the snapshot is escaped with {@link escapeHtml}, and a snapshot read back
 * from JSON is read defensively (a field of the wrong type is left out).
 * Large trees are cut short (50 children per context, 2,000 lines in all:
 * the rest is summarised by creation site); the JSON has everything.
 * Refresh is manual (the page's "Refresh" link, or the browser's).
 */
export function renderPage(snap: Snapshot): string {
  const s = rec(snap);
  const trees = list(s.trees).map(rec);
  const seen = new Set<unknown>();
  const nodes = [...walk(trees.flatMap((t) => list(t.children)), seen)];
  const groups = groupBySite(nodes);
  const values = nodes.some((n) => [n, ...list(n.via)].some((v) => rec(v).value !== undefined));
  const budget = { rows: MAX_ROWS };
  const drawn = new Set<unknown>();
  const treeHtml = trees.map((t) => {
    const above = list(t.above)
      .map((v) => stepHtml(v))
      .join(' <span class="g">›</span> ');
    const rows = treeRows(list(t.children), budget, drawn);
    return `<div class="tree">\n<div class="above">${above}</div>\n<ul>\n${rows.join('\n')}\n</ul>\n</div>`;
  });
  const n = nodes.length;
  const off =
    s.tracking === true
      ? ''
      : '<p class="warn">Context tracking is off: only contexts derived while it is on are shown. Mount the debug handler (or call enableTracking() or enableTracing()) at startup.</p>';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>ctxkit — ${n} live context${n === 1 ? '' : 's'}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<header><h1>ctxkit <small>live contexts</small></h1>`,
    `<p class="meta">Snapshot taken <time>${h(s.time)}</time> · <a href="">Refresh</a> · <a href="?format=json">JSON</a></p></header>`,
    off,
    statsHtml(s.stats),
    sitesHtml(groups),
    `<h2>Live context trees <small class="f">(${n})</small></h2>`,
    treeHtml.length === 0 ? '<p class="empty">No live cancellable contexts.</p>' : treeHtml.join('\n'),
    `<footer>Counters count from the moment tracking or stats were switched on. ${
      values ? 'Values are shown: this page was mounted with <code>values: true</code>.' : 'Values are shown by key only.'
    } Cancelled contexts leave the trees at once.</footer>`,
    '</body></html>',
  ].join('\n');
}

// --- the handlers ------------------------------------------------------------

/** Options of {@link debugHandler} and {@link debugFetchHandler}. */
export interface DebugHandlerOptions {
  /**
   * Show the values of `withValue` contexts too (as `String(ctx)` prints
   * them: runtime classes by type name only). Off by default: values hold
   * user data, tokens and credentials.
   */
  values?: boolean;
  /**
   * The path the page is served at, e.g. "/debug/ctx": the page at
   * `<basePath>/` (and `<basePath>`), the JSON at `<basePath>/json` and
   * `<basePath>/?format=json`. Default "" (the root of whatever the handler
   * is mounted on). Behind Express's `app.use('/debug/ctx', …)`, which
   * strips the mount path, either leave it out or give the full path (the
   * handler then reads `req.originalUrl`).
   */
  basePath?: string;
}

/** The part of a node:http `IncomingMessage` (or Express `Request`) the handler reads. */
export interface DebugRequest {
  url?: string;
  method?: string;
  /** Express's full URL before a mount path was stripped from `url`. */
  originalUrl?: string;
}

/** The part of a node:http `ServerResponse` (or Express `Response`) the handler writes. */
export interface DebugResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A node:http request listener, or an Express/Connect middleware (with `next`). */
export type DebugHandler = (req: DebugRequest, res: DebugResponse, next?: (err?: unknown) => void) => void;

/** Headers of every response: never cached, never sniffed, never framed, no script. */
const SECURITY_HEADERS: readonly [string, string][] = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
  ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
  ['referrer-policy', 'no-referrer'],
];

interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
}

interface Config {
  values: boolean;
  base: string;
}

function configure(opts: DebugHandlerOptions | undefined, fn: string): Config {
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) {
    throw new TypeError(`ctxkit/debug.${fn}: argument "opts" must be an object, got ${opts === null ? 'null' : typeof opts}`);
  }
  const values = opts?.values ?? false;
  if (typeof values !== 'boolean') throw new TypeError(`ctxkit/debug.${fn}: option "values" must be a boolean, got ${typeof values}`);
  const basePath = opts?.basePath ?? '';
  if (typeof basePath !== 'string' || (basePath !== '' && !basePath.startsWith('/')) || /[?#]/.test(basePath)) {
    throw new TypeError(`ctxkit/debug.${fn}: option "basePath" must be "" or a path starting with "/", got ${typeof basePath === 'string' ? JSON.stringify(basePath) : typeof basePath}`);
  }
  // Off unless mounted: making a handler is mounting it.
  enableTracking();
  return { values, base: basePath.replace(/\/+$/, '') };
}

/** What `url` (origin-form or absolute) asks for below `base`: the page, the JSON, or nothing of ours. */
function route(url: string | undefined, base: string): 'html' | 'json' | undefined {
  if (typeof url !== 'string') return undefined;
  let target = url;
  if (!target.startsWith('/')) {
    // absolute-form ("http://host/path"), as a proxy would send
    try {
      const u = new URL(target);
      target = u.pathname + u.search;
    } catch {
      return undefined;
    }
  }
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (!path.startsWith(base)) return undefined;
  const rest = path.slice(base.length);
  if (rest === '/json') return 'json';
  if (rest !== '' && rest !== '/') return undefined;
  return q !== -1 && new URLSearchParams(target.slice(q + 1)).get('format') === 'json' ? 'json' : 'html';
}

function plain(status: number, body: string, extra: [string, string][] = []): Answer {
  return { status, headers: [['content-type', 'text/plain; charset=utf-8'], ...extra], body };
}

/**
 * `JSON.stringify(v)` for plain data (objects, arrays, strings, finite
 * numbers, booleans, null), written iteratively: a chain of contexts
 * derived in a loop nests thousands of levels deep, past what the
 * recursive `JSON.stringify` can take. Compact, so that the size stays
 * linear in the depth. `<`, `>`, `&` and the line separators come out as
 * \u escapes, so that the text stays JSON in any context.
 */
export function toJson(root: unknown): string {
  const out: string[] = [];
  const stack: { items: readonly (readonly [string | undefined, unknown])[]; i: number; close: string }[] = [];
  const emit = (v: unknown): void => {
    if (typeof v === 'string') out.push(JSON.stringify(v));
    else if (typeof v === 'number') out.push(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'boolean') out.push(String(v));
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ items: v.map((x: unknown) => [undefined, x] as const), i: 0, close: ']' });
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      const items = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol');
      stack.push({ items, i: 0, close: '}' });
    } else out.push('null');
  };
  emit(root);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i === f.items.length) {
      out.push(f.close);
      stack.pop();
      continue;
    }
    const [k, v] = f.items[f.i]!;
    if (f.i > 0) out.push(',');
    if (k !== undefined) out.push(JSON.stringify(k), ':');
    f.i++;
    emit(v);
  }
  return out.join('').replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The answer to a request for the page, or undefined when the URL is not the page's. */
function answer(cfg: Config, method: string | undefined, urls: readonly (string | undefined)[]): Answer | undefined {
  let what: 'html' | 'json' | undefined;
  for (const u of urls) if ((what = route(u, cfg.base)) !== undefined) break;
  if (what === undefined) return undefined;
  const m = (method ?? 'GET').toUpperCase();
  if (m !== 'GET' && m !== 'HEAD') return plain(405, 'Method Not Allowed\n', [['allow', 'GET, HEAD']]);
  try {
    const snap = snapshot({ values: cfg.values });
    if (what === 'json') return { status: 200, headers: [['content-type', 'application/json; charset=utf-8']], body: toJson(snap) + '\n' };
    return { status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body: renderPage(snap) };
  } catch {
    // No details on a production box.
    return plain(500, 'ctxkit/debug: the snapshot could not be rendered\n');
  }
}

/**
 * Returns a node:http request listener — also an Express/Connect
 * middleware — serving the live context trees: GET `<basePath>/` the HTML
 * page ({@link renderPage}), GET `<basePath>/json` (or `?format=json`) the
 * {@link snapshot} as JSON. Any other path goes to `next()` when there is
 * one, else gets a 404; another method than GET or HEAD on the page's
 * paths gets a 405. Every response carries `cache-control: no-store`,
 * `x-content-type-options: nosniff` and a Content-Security-Policy that
 * allows no script.
 *
 * Mounting is switching on: the call switches context tracking on (see
 * `enableTracking`: a map entry per live cancellable context; creation
 * sites too if `enableTracing()` is on), so the page shows the contexts
 * derived from then on. Values are shown by key only unless
 * `{ values: true }`. The page answers whoever can reach it: mount it on an
 * internal port or behind your own authentication.
 *
 * @throws {TypeError} if `opts` is not an object, `values` is not a
 *   boolean, or `basePath` is neither "" nor a path starting with "/".
 * @example
 * // node:http
 * const debug = debugHandler({ basePath: '/debug/ctx' });
 * http.createServer((req, res) => debug(req, res, () => app(req, res))).listen(6060, '127.0.0.1');
 * // Express
 * app.use('/debug/ctx', debugHandler());
 */
export function debugHandler(opts?: DebugHandlerOptions): DebugHandler {
  const cfg = configure(opts, 'debugHandler');
  return (req, res, next) => {
    const a = answer(cfg, req.method, [req.url, req.originalUrl]);
    if (a === undefined && typeof next === 'function') return next();
    const { status, headers, body } = a ?? plain(404, 'Not Found\n');
    res.statusCode = status;
    for (const [k, v] of [...SECURITY_HEADERS, ...headers]) res.setHeader(k, v);
    res.end(body);
  };
}

/**
 * The same page for web-standard servers, `(request: Request) => Response`
 * (Bun.serve, Deno.serve, Hono, Next.js route handlers): as
 * {@link debugHandler}, with a 404 for the paths that are not the page's.
 *
 * @throws {TypeError} as {@link debugHandler}.
 * @example
 * const debug = debugFetchHandler({ basePath: '/debug/ctx' });
 * Deno.serve((req) => new URL(req.url).pathname.startsWith('/debug/ctx') ? debug(req) : app(req));
 */
export function debugFetchHandler(opts?: DebugHandlerOptions): (request: Request) => Response {
  const cfg = configure(opts, 'debugFetchHandler');
  return (request) => {
    const { status, headers, body } = answer(cfg, request.method, [request.url]) ?? plain(404, 'Not Found\n');
    return new Response(request.method.toUpperCase() === 'HEAD' ? null : body, { status, headers: [...SECURITY_HEADERS, ...headers] });
  };
}
