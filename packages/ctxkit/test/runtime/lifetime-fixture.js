/**
 * A small program for test/runtime/lifetime.test.ts, run as its own process
 * on Node, Bun or Deno against the built package: `<runtime> lifetime-fixture.js <case>`.
 * It prints `start <epoch ms>` first and `settled <what>` when its wait ends
 * (if the process is still alive then); the test measures when it exits.
 */
import {
  afterFunc,
  background,
  done,
  race,
  sleep,
  withCancel,
  withDeadline,
  withTimeout,
} from '../../dist/index.js';

const which = globalThis.Deno !== undefined ? globalThis.Deno.args[0] : process.argv[2];
const DEADLINE = 300;

console.log(`start ${Date.now()}`);

/** Logs how a wait ended. */
function settled(p) {
  return p.then(
    () => console.log('settled fulfilled'),
    (e) => console.log(`settled ${e.message}`),
  );
}

const cases = {
  // Nothing waits: the deadline's own timer must not hold the process.
  'pending withTimeout': () => {
    withTimeout(background(), 10_000);
  },
  'pending far deadline': () => {
    withDeadline(background(), Date.now() + 2 ** 33);
  },
  'cancelled while done() waits': async () => {
    const [ctx, cancel] = withTimeout(background(), 10_000);
    const p = settled(done(ctx));
    cancel();
    await p;
  },
  // A wait keeps the process alive until the deadline fires.
  'await done': () => settled(done(withTimeout(background(), DEADLINE)[0])),
  'await race': () => settled(race(withTimeout(background(), DEADLINE)[0], new Promise(() => {}))),
  'await sleep(Infinity)': () => settled(sleep(withTimeout(background(), DEADLINE)[0], Infinity)),
  'await sleep': () => settled(sleep(background(), DEADLINE)),
  // The deadline's timer is armed 30 ms after the deadline was computed (as
  // when a runtime loads its timers on first use): it fires 30 ms late, and
  // the wait must still keep the process alive until it does.
  'await done, its deadline timer armed late': () => {
    const real = globalThis.setTimeout;
    globalThis.setTimeout = (...args) => {
      globalThis.setTimeout = real;
      const until = Date.now() + 30;
      while (Date.now() < until);
      return real(...args);
    };
    return settled(done(withTimeout(background(), DEADLINE)[0]));
  },
  // An exception thrown by an afterFunc callback: reported, the others still run.
  'afterFunc throws': () => {
    const [ctx, cancel] = withCancel(background());
    afterFunc(ctx, () => {
      throw new Error('boom from afterFunc');
    });
    afterFunc(ctx, () => console.log('second afterFunc ran'));
    cancel();
  },
};

const run = cases[which];
if (run === undefined) throw new Error(`unknown case ${which}`);
await run();
