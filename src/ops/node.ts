// The Node-only parts of `ops`: DNS lookups, a local HTTP listener for certify's webhook, and report files.
import { lookup } from 'node:dns/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { toNodeListener } from '../webhooks/node.js';

/** Every address a host name resolves to (A and AAAA). */
export async function lookupAll(hostname: string): Promise<string[]> {
  const answers = await lookup(hostname, { all: true });
  return answers.map((answer) => answer.address);
}

/** A web-standard handler served on a local port. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>/webhooks/pagoefectivo`. */
  url: string;
  close(): Promise<void>;
}

/** Serve `(Request) => Promise<Response>` on `host:port` (port 0 picks a free one). */
export async function serveLocally(
  handler: (request: Request) => Promise<Response>,
  port: number,
  host: string,
): Promise<LocalServer> {
  const server: Server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/webhooks/pagoefectivo`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Write `certification-report.md` and `certification-report.pdf` into `dir` (created if missing). */
export async function writeReportFiles(
  dir: string,
  markdown: string,
  pdf: Uint8Array,
): Promise<{ markdown: string; pdf: string }> {
  await mkdir(dir, { recursive: true });
  const files = {
    markdown: path.join(dir, 'certification-report.md'),
    pdf: path.join(dir, 'certification-report.pdf'),
  };
  await writeFile(files.markdown, markdown);
  await writeFile(files.pdf, pdf);
  return files;
}
