/**
 * The context leaks Go programmers meet most, as `go vet -lostcancel`
 * reports them, translated to TypeScript: each buggy version is reported,
 * each fixed version is not.
 */
import { runRule } from './rule-tester.js';

const HEADER = `import { background, done, race, sleep, withCancel, withTimeout, type CancelFunc, type Context } from 'ctxkit';
declare function doWork(ctx?: Context): Promise<void>;
declare function validate(): boolean;
`;
// The code of every case starts on line 4.

runRule(
  'leaks go vet -lostcancel is known for',
  {
    valid: [
      {
        name: 'a worker that cancels its own context when its loop ends',
        code: `${HEADER}export function startWorker(parent: Context): void {
  const [ctx, cancel] = withCancel(parent);
  void (async () => {
    try {
      while (!ctx.err()) {
        await sleep(ctx, 1000);
        await doWork();
      }
    } finally {
      cancel();
    }
  })();
}`,
      },
      {
        name: 'a handler that binds cancel right after the constructor',
        code: `${HEADER}export async function handler(): Promise<void> {
  const [ctx, cancel] = withTimeout(background(), 200);
  using _ = cancel;
  if (!validate()) {
    return;
  }
  await doWork(ctx);
}`,
      },
      {
        name: 'a handler that cancels in finally right after the constructor',
        code: `${HEADER}export async function handler(): Promise<void> {
  const [ctx, cancel] = withTimeout(background(), 200);
  try {
    if (!validate()) {
      return;
    }
    await doWork(ctx);
  } finally {
    cancel();
  }
}`,
      },
      {
        name: 'one context per watched promise, each cancelled by its own task',
        code: `${HEADER}export async function waitForAny(ctx: Context, chans: Array<Promise<void>>): Promise<void> {
  for (const ch of chans) {
    const [c, cancel] = withCancel(ctx);
    void (async (cancel: CancelFunc) => {
      try {
        await Promise.race([ch, done(c)]);
      } finally {
        cancel();
      }
    })(cancel);
  }
  await Promise.race(chans);
}`,
      },
      {
        name: 'a worker starter that returns its cancel to the caller',
        code: `${HEADER}export function startWorker(parent: Context): CancelFunc {
  const [ctx, cancel] = withCancel(parent);
  void (async () => {
    await race(ctx, sleep(background(), 3_600_000)).catch(() => {});
  })();
  return cancel;
}`,
      },
    ],
    invalid: [
      {
        name: 'a worker whose cancel is discarded',
        code: `${HEADER}export function startWorker(parent: Context): void {
  const [ctx, _] = withCancel(parent);
  void (async () => {
    while (!ctx.err()) {
      await sleep(ctx, 1000).catch(() => {});
      await doWork();
    }
  })();
}`,
        errors: [{ messageId: 'discarded', line: 5, column: 15, data: { fn: 'withCancel', name: 'cancel' } }],
      },
      {
        name: 'a handler that arms cancel only after an early return',
        code: `${HEADER}export async function handler(): Promise<void> {
  const [ctx, cancel] = withTimeout(background(), 200);
  if (!validate()) {
    return;
  }
  try {
    await doWork(ctx);
  } finally {
    cancel();
  }
}`,
        errors: [
          { messageId: 'lostCancel', line: 5, column: 15, data: { fn: 'withTimeout' } },
          { messageId: 'returnReached', line: 7, column: 5, data: { name: 'cancel', line: '5' } },
        ],
      },
      {
        name: 'one context per watched promise, every cancel discarded',
        code: `${HEADER}export async function waitForAny(ctx: Context, chans: Array<Promise<void>>): Promise<void> {
  for (const ch of chans) {
    const [c, _] = withCancel(ctx);
    void Promise.race([ch, done(c)]);
  }
  await Promise.race(chans);
}`,
        errors: [{ messageId: 'discarded', line: 6, column: 15 }],
      },
      {
        name: 'a worker starter that discards the cancel of a context nobody ends',
        code: `${HEADER}export function startWorkerLeaky(parent: Context): void {
  const [ctx, _] = withCancel(parent); // leak: discarded cancel
  void (async () => {
    await race(ctx, sleep(background(), 3_600_000)).catch(() => {});
  })();
}`,
        errors: [{ messageId: 'discarded', line: 5, column: 15 }],
      },
    ],
  },
  ['typescript-eslint'],
);

// The same leaks in plain JavaScript, for the default parser.
runRule('leaks go vet -lostcancel is known for, in JavaScript', {
  valid: [
    {
      name: 'a handler that cancels in finally right after the constructor',
      code: `import { background, withTimeout } from 'ctxkit';
export async function handler() {
  const [ctx, cancel] = withTimeout(background(), 200);
  try {
    if (!validate()) return;
    await doWork(ctx);
  } finally {
    cancel();
  }
}`,
    },
  ],
  invalid: [
    {
      name: 'a worker whose cancel is discarded',
      code: `import { sleep, withCancel } from 'ctxkit';
export function startWorker(parent) {
  const [ctx, _] = withCancel(parent);
  void (async () => { while (!ctx.err()) { await sleep(ctx, 1000); doWork(); } })();
}`,
      errors: [{ messageId: 'discarded', line: 3 }],
    },
    {
      name: 'a handler that arms cancel only after an early return',
      code: `import { background, withTimeout } from 'ctxkit';
export async function handler() {
  const [ctx, cancel] = withTimeout(background(), 200);
  if (!validate()) return;
  try { await doWork(ctx); } finally { cancel(); }
}`,
      errors: [{ messageId: 'lostCancel', line: 3 }, { messageId: 'returnReached', line: 4 }],
    },
  ],
});
