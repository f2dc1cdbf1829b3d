/**
 * A context-aware mutex.
 *
 * `Mutex.lock(ctx)` waits for the lock or for `ctx`, whichever comes first;
 * on cancellation it rejects with `ctx.err()` and does NOT hold the lock.
 * Waiters are served first come, first served. Here a slow writer holds a
 * shared log file for ~100 ms; three more writers queue up, one of them
 * with a 30 ms budget that runs out while it waits.
 *
 * Run: npm run build && npx tsx examples/sync-context-mutex.ts
 */
import { type Context, background, isDeadlineExceeded, sleep, withTimeout } from 'ctxkit';
import { Mutex } from 'ctxkit/sync';

const mu = new Mutex();
const log: string[] = [];

async function append(ctx: Context, who: string, holdMs: number): Promise<void> {
  try {
    await mu.lock(ctx);
  } catch (err) {
    console.log(`${who}: gave up waiting (${isDeadlineExceeded(err) ? 'deadline exceeded' : String(err)})`);
    return;
  }
  try {
    console.log(`${who}: has the lock`);
    await sleep(background(), holdMs); // the critical section
    log.push(who);
  } finally {
    mu.unlock();
  }
}

const [impatient, cancel] = withTimeout(background(), 30);
await Promise.all([
  append(background(), 'writer-1 (slow)', 100),
  append(background(), 'writer-2', 5),
  append(impatient, 'writer-3 (30 ms budget)', 5),
  append(background(), 'writer-4', 5),
]);
cancel();

console.log('appended in order:', log.join(' -> '));

// The lock is free again, and tryLock never waits.
console.log('tryLock on a free mutex:', mu.tryLock());
console.log('tryLock while held:', mu.tryLock());
mu.unlock();

// Unlocking a mutex nobody holds is a bug, reported at once.
try {
  mu.unlock();
} catch (err) {
  console.log('unlock of an unlocked mutex:', (err as Error).message);
}

// Output:
// writer-1 (slow): has the lock
// writer-3 (30 ms budget): gave up waiting (deadline exceeded)
// writer-2: has the lock
// writer-4: has the lock
// appended in order: writer-1 (slow) -> writer-2 -> writer-4
// tryLock on a free mutex: true
// tryLock while held: false
// unlock of an unlocked mutex: ctxkit.Mutex.unlock: unlock of unlocked mutex
