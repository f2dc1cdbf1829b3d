// Runs inside headless Chromium (see browser.test.ts); plain JS so that no
// test-runner transform touches it.
/* global fetch */
import * as c from '/dist/index.js';
import * as sync from '/dist/sync/index.js';

export async function run(origin) {
  const out = {};
  const [root, cancelRoot] = c.withCancel(c.background());
  const [a] = c.withCancelCause(root);
  const [sibling, cancelSibling] = c.withCancel(c.background());
  const order = [];
  root.signal.addEventListener('abort', () => order.push('root:' + String(a.err()?.message)));
  a.signal.addEventListener('abort', () => order.push('a'));
  c.afterFunc(a, () => order.push('afterFunc'));
  cancelRoot();
  order.push('returned');
  await Promise.resolve();
  await Promise.resolve();
  out.order = order;
  out.siblingLive = sibling.err() === undefined;
  cancelSibling();
  out.reasonIsErr = a.signal.reason === a.err() && a.err() === c.Canceled;

  const [t, cancelT] = c.withTimeout(c.background(), 20);
  await c.done(t);
  out.timeoutErr = t.err() === c.DeadlineExceeded && t.err().name === 'TimeoutError';
  cancelT();

  const [f, cancelF] = c.withTimeout(c.background(), 50);
  try {
    await fetch(origin + '/slow', { signal: f.signal });
    out.fetch = 'resolved';
  } catch (e) {
    out.fetch = e === c.DeadlineExceeded ? 'DeadlineExceeded' : String(e);
  }
  cancelF();

  const k = c.createKey('rid');
  out.describe = String(c.withCancel(c.withValue(c.todo(), k, 'r-1'))[0]);
  const [s, cancelS] = c.withCancel(c.background());
  const slept = c.sleep(s, 10_000).catch((e) => (e === c.Canceled ? 'Canceled' : e));
  cancelS();
  out.sleep = await slept;
  out.disposable = typeof cancelS[Symbol.dispose ?? Symbol()] ;
  // ctxkit/sync: first error cancels the siblings; a mutex wait bounded by a deadline.
  const group = [];
  const [g, gctx] = sync.Group.withContext(c.background());
  g.go(async (ctx) => {
    await c.done(ctx);
    group.push('sibling saw: ' + c.cause(ctx).message);
  });
  g.go(async () => {
    throw new Error('boom');
  });
  try {
    await g.wait();
  } catch (e) {
    group.push('wait: ' + e.message);
    group.push('cause is the error: ' + (c.cause(gctx) === e));
  }
  out.group = group;
  const mu = new sync.Mutex();
  mu.tryLock();
  const [m, cancelM] = c.withTimeout(c.background(), 20);
  try {
    await mu.lock(m);
    out.mutex = 'locked';
  } catch (e) {
    mu.unlock(); // the first holder leaves; the waiter that gave up must hold nothing
    out.mutex = (e === c.DeadlineExceeded ? 'DeadlineExceeded' : String(e)) + ', lock free afterwards: ' + mu.tryLock();
  }
  cancelM();
  return out;
}
