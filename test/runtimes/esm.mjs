// Node ESM, Bun and Deno: the package imported by its own name, through package.json `exports`.
import * as root from 'pagoefectivo-kit';
import * as client from 'pagoefectivo-kit/client';
import * as memory from 'pagoefectivo-kit/storage/memory';
import * as testing from 'pagoefectivo-kit/testing';
import * as voucher from 'pagoefectivo-kit/voucher';
import * as token from 'pagoefectivo-kit/voucher/token';
import * as webhooks from 'pagoefectivo-kit/webhooks';
import smoke from './smoke-core.cjs';

console.log(await smoke.runSmoke({ root, client, memory, testing, voucher, token, webhooks }));
