import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StoreSpec, Task, WorkerMessage } from './protocol.js';

const WORKER = fileURLToPath(new URL('./store-worker.ts', import.meta.url));

/** Worker OS processes sharing one store, each with its own connection. */
export interface Workers {
  /** Send `task` to the first `count` workers at once (default all); their results in worker order. */
  run<T>(task: Task, count?: number): Promise<T[]>;
  /** Close every worker's connection and wait for the processes to exit. */
  stop(): Promise<void>;
}

function nextMessage(child: ChildProcess): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new Error(`worker ${child.pid} exited with code ${code} before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

async function answer<T>(child: ChildProcess): Promise<T> {
  const message = await nextMessage(child);
  if (message.type === 'error') throw new Error(`worker ${child.pid}: ${message.message}`);
  if (message.type !== 'result') throw new Error(`worker ${child.pid} sent ${message.type} instead of a result`);
  return message.value as T;
}

/** Fork `count` workers (`node --import tsx store-worker.ts`) on `spec` and wait until all are ready. */
export async function startWorkers(count: number, spec: StoreSpec): Promise<Workers> {
  const children = Array.from({ length: count }, () =>
    fork(WORKER, [JSON.stringify(spec)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    const ready = await Promise.all(children.map(nextMessage));
    if (ready.some((message) => message.type !== 'ready')) throw new Error('a worker failed to open the store');
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return {
    async run<T>(task: Task, workers = children.length): Promise<T[]> {
      const chosen = children.slice(0, workers);
      const answers = chosen.map((child) => answer<T>(child));
      // Sent back to back, so every process works on the task at the same time.
      for (const child of chosen) child.send(task);
      return Promise.all(answers);
    },
    async stop(): Promise<void> {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || !child.connected) return resolve();
              child.once('exit', () => resolve());
              child.send({ type: 'stop' });
            }),
        ),
      );
    },
  };
}
