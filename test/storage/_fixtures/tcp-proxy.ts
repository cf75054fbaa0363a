/**
 * A loopback TCP proxy for fault tests: clients connect to it, it forwards bytes both ways to a real
 * server, and on demand it loses a reply the way a network does. `dropReplyTo(pattern)` lets the next
 * client write matching `pattern` through, then discards the server's next chunk on that connection
 * and closes it: the server ran the command, the client never heard back (a lost reply). `cut()`
 * closes every connection at once. It binds 127.0.0.1 only. (A client write is matched as one chunk;
 * the tests send one command at a time, so a chunk is one command.)
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** One proxied connection. */
interface Link {
  client: Socket;
  upstream: Socket;
  /** The next server→client chunk is dropped and the link closed. */
  dropNext: boolean;
}

/** A running proxy. */
export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Local ports of the proxy's upstream sockets, i.e. the client addresses the server sees. */
  upstreamPorts(): number[];
  /**
   * Lose the reply to a client write matching `pattern`: let `skip` matching writes through, then
   * forward the next one, discard its reply and close its connection. Resolves `true` once the reply
   * was lost, `false` if {@link disarm} came first.
   */
  dropReplyTo(pattern: string | RegExp, options?: { skip?: number }): Promise<boolean>;
  /** Cancel every armed drop that has not struck. */
  disarm(): void;
  /** Close every open connection now (both sides). */
  cut(): void;
  /** Replies dropped so far. */
  readonly dropped: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

interface Drop {
  pattern: string | RegExp;
  skip: number;
  done: (dropped: boolean) => void;
}

/** Start a proxy to `target` on a free loopback port. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>();
  const drops: Drop[] = [];
  let dropped = 0;
  let accepted = 0;

  const end = (link: Link): void => {
    links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = connect(target.port, target.host);
    const link: Link = { client, upstream, dropNext: false };
    links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      const drop = drops.find((candidate) =>
        typeof candidate.pattern === 'string' ? text.includes(candidate.pattern) : candidate.pattern.test(text),
      );
      if (drop !== undefined && !link.dropNext) {
        if (drop.skip > 0) drop.skip -= 1;
        else {
          link.dropNext = true;
          drops.splice(drops.indexOf(drop), 1);
          // Resolve once the reply is really lost (below), not when the command leaves.
          link.client.once('close', () => drop.done(true));
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.dropNext) {
        dropped += 1;
        return end(link);
      }
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => end(link));
      socket.on('close', () => end(link));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tcp-proxy: no port');

  return {
    port: address.port,
    upstreamPorts: () =>
      [...links].map((link) => link.upstream.localPort).filter((port): port is number => port !== undefined),
    dropReplyTo: (pattern, options = {}) =>
      new Promise<boolean>((resolve) => {
        drops.push({ pattern, skip: options.skip ?? 0, done: resolve });
      }),
    disarm() {
      for (const drop of drops.splice(0)) drop.done(false);
    },
    cut() {
      for (const link of [...links]) end(link);
    },
    get dropped() {
      return dropped;
    },
    get accepted() {
      return accepted;
    },
    async close() {
      for (const link of [...links]) end(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
