/**
 * The wiring the dLocal tests share: a provider against the fake dLocal, and the codes service and
 * webhook handler on top of it, registered as the fake's notification target.
 */
import { createCashCodes } from '../../src/codes/index.js';
import type { CodeEvent } from '../../src/model/events.js';
import { createDlocalProvider, createDlocalWebhookHandler } from '../../src/providers/dlocal/index.js';
import type { CashCodeStore } from '../../src/storage/contract.js';
import type { FakeDlocal } from '../../src/testing/index.js';

/** A dLocal provider talking to `fake` (sandbox, the fake's credentials; the fake's clock unless `clock: false`). */
export function fakeDlocalProvider(fake: FakeDlocal, options: { clock?: boolean } = {}) {
  const { login, transKey, secretKey } = fake.credentials;
  return createDlocalProvider({
    login,
    transKey,
    secretKey,
    environment: 'sandbox',
    baseUrl: fake.baseUrl,
    fetch: fake.fetch,
    ...(options.clock === false ? {} : { now: fake.now }),
  });
}

/** The codes service and webhook handler over `fake` and `store`; events delivered go to `events`. */
export function dlocalService(fake: FakeDlocal, store: CashCodeStore, events: CodeEvent[] = []) {
  const { login, secretKey } = fake.credentials;
  const provider = fakeDlocalProvider(fake);
  const codes = createCashCodes({ provider, store, now: fake.now, onEvent: (event) => void events.push(event) });
  const handler = createDlocalWebhookHandler({ login, secretKey, codes, store });
  fake.setWebhookTarget({ handler });
  return { provider, codes, handler, events };
}
