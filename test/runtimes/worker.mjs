// workerd (through miniflare): bundled with esbuild for the `workerd` / `worker` / `browser`
// conditions, so it gets the portable build (WebCrypto, no node: imports); answers GET / with the summary.
import * as root from 'pagoefectivo-kit';
import * as client from 'pagoefectivo-kit/client';
import * as memory from 'pagoefectivo-kit/storage/memory';
import * as testing from 'pagoefectivo-kit/testing';
import * as voucher from 'pagoefectivo-kit/voucher';
import * as token from 'pagoefectivo-kit/voucher/token';
import * as webhooks from 'pagoefectivo-kit/webhooks';
import smoke from './smoke-core.cjs';

export default {
  async fetch() {
    try {
      return new Response(await smoke.runSmoke({ root, client, memory, testing, voucher, token, webhooks }));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
