/** A Node `Writable` (a file stream, `process.stdout`, an HTTP response), by shape. */
export interface NodeWritableLike {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  off(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  end(callback?: () => void): unknown;
}

/** A web `WritableStream` of strings (pipe it through a `TextEncoderStream` for bytes), by shape. */
export interface WebWritableLike {
  getWriter(): {
    readonly ready: Promise<unknown>;
    write(chunk: string): Promise<void>;
    close(): Promise<void>;
    releaseLock(): void;
  };
}

/**
 * Where a report writer sends its text: a Node `Writable`, a web `WritableStream`, or a function
 * called with each piece (awaited when it returns a promise).
 */
export type ReportDestination = NodeWritableLike | WebWritableLike | ((chunk: string) => void | Promise<void>);

/** A destination reduced to two awaited operations that respect its backpressure. */
export interface Sink {
  /** Resolves when the destination can take more (Node `drain`, web `ready`, the callback's promise). */
  write(chunk: string): Promise<void>;
  /** Flush and, when `end`, end or close the destination (otherwise just let it go). */
  close(end: boolean): Promise<void>;
}

function nodeSink(stream: NodeWritableLike): Sink {
  let failed: unknown = null;
  return {
    write(chunk) {
      if (failed !== null) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        const fail = (error: unknown): void => {
          failed = error ?? new Error('the destination closed before the report was written');
          cleanup();
          reject(failed);
        };
        const drained = (): void => {
          cleanup();
          resolve();
        };
        const cleanup = (): void => {
          stream.off('drain', drained);
          stream.off('error', fail);
          stream.off('close', fail);
        };
        const accepted = stream.write(chunk, (error) => {
          if (error) fail(error);
        });
        if (accepted) {
          resolve();
          return;
        }
        stream.once('drain', drained);
        stream.once('error', fail);
        stream.once('close', fail);
      });
    },
    async close(end) {
      if (failed !== null) throw failed;
      if (end) await new Promise<void>((resolve) => stream.end(() => resolve()));
    },
  };
}

function webSink(stream: WebWritableLike): Sink {
  const writer = stream.getWriter();
  let failed: unknown = null;
  return {
    async write(chunk) {
      if (failed !== null) throw failed;
      await writer.ready;
      // Not awaited: `ready` is the backpressure signal; a failed write rejects the next `ready`.
      writer.write(chunk).catch((error: unknown) => {
        failed = error;
      });
    },
    async close(end) {
      if (end) await writer.close();
      else {
        await writer.ready;
        writer.releaseLock();
      }
      if (failed !== null) throw failed;
    },
  };
}

/** Adapt any {@link ReportDestination}. */
export function toSink(to: ReportDestination): Sink {
  if (typeof to === 'function') {
    return {
      async write(chunk) {
        await to(chunk);
      },
      close: async () => undefined,
    };
  }
  if (typeof (to as Partial<WebWritableLike>).getWriter === 'function') return webSink(to as WebWritableLike);
  return nodeSink(to as NodeWritableLike);
}
