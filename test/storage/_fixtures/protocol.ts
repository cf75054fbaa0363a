// The messages between multiprocess.test.ts and its worker processes (store-worker.ts).

/** The shared store a worker opens, with its own connection. */
export type StoreSpec =
  | { kind: 'sqlite'; file: string; prefix: string }
  | { kind: 'postgres'; url: string; prefix: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'mysql'; url: string; prefix: string };

/** One task, run by a worker as `calls` concurrent calls. */
export type Task =
  | { type: 'claim'; calls: number; orderIds: string[]; tag: string }
  | { type: 'consume'; calls: number; keys: string[] }
  | { type: 'drain'; calls: number; cutoffMs: number; limit: number }
  | { type: 'issue'; calls: number; orderIds: string[]; baseUrl: string }
  | { type: 'sweep'; calls: 1; nowMs: number; limit: number; baseUrl: string };

/** What a worker sends back. */
export type WorkerMessage = { type: 'ready' } | { type: 'result'; value: unknown } | { type: 'error'; message: string };

/** The credentials of the one fake PagoEfectivo the test process serves over HTTP. */
export const FAKE_CREDENTIALS = {
  serviceId: 4321,
  accessKey: 'MULTIPROCESSACCESS01',
  secretKey: 'multiProcessSecret/abc+123=',
} as const;
