/** The API operations the fake serves, named as in the client. */
export type FakeOperation = 'authorize' | 'createCip' | 'searchCips' | 'updateCipExpiry' | 'deleteCip';

/** Every {@link FakeOperation}. */
export const FAKE_OPERATIONS: readonly FakeOperation[] = [
  'authorize',
  'createCip',
  'searchCips',
  'updateCipExpiry',
  'deleteCip',
];

/** Where `pay()` delivers the signed `cip.paid` notification. */
export type WebhookTarget = { url: string } | { handler: (request: Request) => Promise<Response> };

/** A status number and name reported by search. Only 22 / "Generado." is documented. */
export interface FakeStatus {
  code: number;
  name: string;
}

/** Options of {@link createFakePagoEfectivo}. */
export interface FakePagoEfectivoOptions {
  /** The service id the fake accepts (`idService`). */
  serviceId: number | string;
  /** The access key the fake accepts. */
  accessKey: string;
  /** The secret key: checks the auth hash and signs webhooks. */
  secretKey: string;
  /** The 3–5 letter service code put in tokens (`sub`) and auth answers. Default `"TST"`. */
  codeService?: string;
  /** Freeze the fake clock at this instant (it then moves only with `advance`). */
  start?: Date;
  /** Or follow this clock (plus `advance` offsets). Default: the real clock. */
  now?: () => Date;
  /** Token lifetime in ms. Default 2 h (the documented default). */
  tokenLifetimeMs?: number;
  /** Accepted distance between `dateRequest` and the fake clock, in ms. Default 5 min (real value unknown). */
  dateRequestToleranceMs?: number;
  /** Highest amount accepted, as a decimal string; above it createCip answers 400 / code 511. */
  maxAmount?: string;
  /** The same limit in minor units (`500000` = 5000.00); used when `maxAmount` is not given. */
  maxAmountMinor?: number;
  /** Expiry applied when createCip omits `dateExpiry`, in ms. Default 4 h (seen on the sandbox). */
  defaultExpiryMs?: number;
  /** The first CIP number handed out; later ones increase by one. Default 2401557. */
  firstCip?: number;
  /** Where paid notifications go. Can be set later with `setWebhookTarget`. */
  webhook?: WebhookTarget;
  /**
   * Delay before the one retry of a failed notification, in ms of the fake clock: the retry is made when
   * `advance()` moves past it (or by `deliverRetries()`). `0` retries at once. Default 60 000: the protocol
   * notes document one second attempt but not its delay, so one minute is an assumption.
   */
  webhookRetryDelayMs?: number;
  /** Fake-only status numbers/names for paid, expired and deleted CIPs (undocumented in reality). */
  statuses?: { paid?: FakeStatus; expired?: FakeStatus; deleted?: FakeStatus };
}

/** The state of a CIP inside the fake. */
export type FakeCipState = 'generated' | 'paid' | 'expired' | 'deleted';

/** A snapshot of a CIP as the fake holds it (for assertions). */
export interface FakeCip {
  cip: string;
  state: FakeCipState;
  currency: 'PEN' | 'USD';
  /** Decimal string with two decimals. */
  amount: string;
  amountMinor: number;
  transactionCode: string;
  userEmail: string;
  /** The optional create fields as received, by documented field name (e.g. `paymentConcept`). */
  fields: Record<string, unknown>;
  cipUrl: string;
  dateCreation: Date;
  dateExpiry: Date;
  datePayment: Date | null;
  dateRemoval: Date | null;
  /** The last `cip.paid` notification built for this CIP, if paid. */
  notification: { body: string; signature: string; operationNumber: string } | null;
}

/** One request the fake received. The Authorization header is never recorded. */
export interface FakeRequestRecord {
  operation: FakeOperation | 'unknown';
  method: string;
  path: string;
  /** HTTP status answered, or `'network'` when a network failure was injected. */
  status: number | 'network';
  at: Date;
  /** The raw request body text. */
  body: string;
}

/** Options of `pay()`. */
export interface FakePayOptions {
  /** Paid amount as a decimal string; differs from the CIP's to simulate partial/over payment. */
  amount?: string;
  /** Notified currency; differs from the CIP's to simulate a currency mismatch. */
  currency?: string;
  /** PagoEfectivo's operation number. Default: an increasing number. */
  operationNumber?: string;
  /** When the buyer paid. Default: the fake clock. */
  paidAt?: Date;
  /** Pay a CIP that has already expired (a late payment). Default false. */
  allowExpired?: boolean;
  /**
   * Send the notification (default `true`). `false` marks the CIP paid at the API only: a missed
   * webhook, which only a search (the sweeper, reconciliation) can discover.
   */
  notify?: boolean;
}

/** One delivery attempt of a notification. */
export type FakeDeliveryAttempt = { status: number } | { error: string };

/** What happened when the fake delivered a notification. */
export interface FakeDeliveryReport {
  /** Whether an attempt got a 2xx answer. */
  delivered: boolean;
  /**
   * At most two attempts: PagoEfectivo retries a failed delivery once. Empty without a target or with
   * `notify: false`. The retry is added to this same report when it is made.
   */
  attempts: FakeDeliveryAttempt[];
  /** When the one retry is due on the fake clock, while it waits; `null` otherwise. */
  retryAt: Date | null;
  /** The exact raw body sent. */
  body: string;
  /** The `PE-Signature` header sent. */
  signature: string;
  cip: string;
  operationNumber: string;
}

/** A failure injected with `failNext`. */
export interface FakeFault {
  /** Only requests of this operation (default: any). */
  operation?: FakeOperation;
  /** How many requests fail. Default 1. */
  count?: number;
  /** `error` answers status/code; `network` drops the connection; `malformed` answers 200 with HTML. */
  kind?: 'error' | 'network' | 'malformed';
  /** HTTP status of an `error`. Default 500. */
  status?: number;
  /** Envelope code of an `error`. Default 166. */
  code?: number;
  /** Wait this long before failing, in ms. Default 0. */
  delayMs?: number;
}

/** A slow answer injected with `delayNext`: the request takes effect, the answer comes late. */
export interface FakeDelay {
  operation?: FakeOperation;
  count?: number;
  delayMs: number;
}
