/**
 * Auth-claims middleware (Go's AuthMiddleware + Current(ctx)), in Express
 * with ctxkit/node.
 *
 * `ctxkitMiddleware` gives every request its context. `bearerAuth` parses
 * the `Authorization: Bearer <token>` header and verifies the token; every
 * failure (missing header, another scheme, an empty or unknown token)
 * answers 401 before any handler runs. On success it derives a context
 * carrying the verified claims with `withClaims` (never mutating the
 * request's context: contexts are immutable) and hands it on with
 * `setContext` + `runWithContext`, Go's `r.WithContext`. Handlers read
 * the claims typed, with `claims(ctx)`; `undefined` means no
 * authentication ran, and they branch on it.
 *
 * The header is never logged as received: a token is a credential, and a
 * garbage header may be an attack on the log itself. Only what was
 * verified is logged.
 *
 * Run: npm run build && npx tsx examples/node-auth-claims.ts
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type Claims, claims, contextOf, ctxkitMiddleware, runWithContext, setContext, withClaims } from 'ctxkit/node';

/** The token verifier: a stand-in for a JWT library or an introspection call. */
const TOKENS = new Map<string, Claims>([['t-7f3a', { userId: 'u-1', scopes: ['reports:read'] }]]);
function verify(token: string): Claims | undefined {
  return TOKENS.get(token);
}

/** 401 for anything but a valid bearer token; otherwise the claims ride on the request context. */
function bearerAuth(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  const verified = token === '' ? undefined : verify(token);
  if (verified === undefined) {
    // Say why in general terms only; the header itself is not echoed or logged.
    console.log(`  auth: rejected (${header === '' ? 'no Authorization header' : 'invalid credentials'})`);
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'unauthorized' });
    return;
  }
  const ctx = withClaims(contextOf(req), verified);
  setContext(req, ctx);
  runWithContext(ctx, next);
}

const app = express();
app.use(ctxkitMiddleware({ maxTimeoutMs: 5_000 }));
app.use('/api', bearerAuth);
app.get('/api/reports', (req, res) => {
  const who = claims(contextOf(req)); // Claims | undefined, typed
  if (who === undefined) throw new Error('unreachable: bearerAuth runs first');
  console.log(`  handler: reports for ${who.userId} (scopes: ${who.scopes.join(', ')})`);
  res.json({ user: who.userId, reports: ['q1', 'q2'] });
});
app.get('/health', (req, res) => {
  // No middleware set claims here: absent means unauthenticated.
  res.json({ ok: true, authenticated: claims(contextOf(req)) !== undefined });
});

const server = app.listen(0, '127.0.0.1');
await new Promise<void>((r) => server.once('listening', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function call(what: string, path: string, authorization?: string): Promise<void> {
  console.log(`${what}:`);
  const res = await fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  console.log(`  ${res.status} ${await res.text()}`);
}

await call('valid token', '/api/reports', 'Bearer t-7f3a');
await call('no header', '/api/reports');
await call('another scheme', '/api/reports', 'Basic dXNlcjpwYXNz');
await call('garbage', '/api/reports', 'Bearer \u00ff\u00fe<script>');
await call('unknown token', '/api/reports', 'Bearer t-0000');
await call('no auth needed', '/health');

server.closeAllConnections();
await new Promise<void>((r) => server.close(() => r()));

// Output:
// valid token:
//   handler: reports for u-1 (scopes: reports:read)
//   200 {"user":"u-1","reports":["q1","q2"]}
// no header:
//   auth: rejected (no Authorization header)
//   401 {"error":"unauthorized"}
// another scheme:
//   auth: rejected (invalid credentials)
//   401 {"error":"unauthorized"}
// garbage:
//   auth: rejected (invalid credentials)
//   401 {"error":"unauthorized"}
// unknown token:
//   auth: rejected (invalid credentials)
//   401 {"error":"unauthorized"}
// no auth needed:
//   200 {"ok":true,"authenticated":false}
