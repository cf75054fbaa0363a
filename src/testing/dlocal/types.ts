/** The API operations the fake dLocal serves. */
export type FakeDlocalOperation = 'createPayment' | 'getPayment' | 'getPaymentStatus' | 'getOrder' | 'cancelPayment';

/** Every {@link FakeDlocalOperation}. */
export const FAKE_DLOCAL_OPERATIONS: readonly FakeDlocalOperation[] = [
  'createPayment',
  'getPayment',
  'getPaymentStatus',
  'getOrder',
  'cancelPayment',
];

/** Where the fake delivers signed notifications (a payment's `notification_url` wins when given). */
export type FakeDlocalTarget = { url: string } | { handler: (request: Request) => Promise<Response> };

/** Options of `createFakeDlocal`. */
export interface FakeDlocalOptions {
  /** The `X-Login` the fake accepts. Default `"fake-login"`. */
  login?: string;
  /** The `X-Trans-Key` the fake accepts. Default `"fake-trans-key"`. */
  transKey?: string;
  /** The secret key that checks request signatures and signs notifications. Default `"fake-secret-key"`. */
  secretKey?: string;
  /** Freeze the fake clock at this instant (it then moves only with `advance`). */
  start?: Date;
  /** Or follow this clock (plus `advance` offsets). Default: the real clock. */
  now?: () => Date;
  /** Ticket lifetime in ms. Default 5 days (dLocal's "4-5 days"; the real rule is dLocal's). */
  expiryMs?: number;
  /** The first ticket number (the CIP); later ones increase by one. Default 28945684 (dLocal's example). */
  firstTicket?: number;
  /**
   * The status an unpaid ticket ends in at its expiry: `CANCELLED` (400, the default) or `EXPIRED`
   * (500): which one dLocal uses is UNKNOWN.
   */
  expiredStatus?: 'CANCELLED' | 'EXPIRED';
  /** Put `approved_date` on paid payment objects too (UNKNOWN in reality; the order object has it). Default false. */
  approvedDateOnPayments?: boolean;
  /** Send a notification for the initial PENDING (UNKNOWN in reality). Default false. */
  notifyPending?: boolean;
  /** Default notification target when a payment has no `notification_url` (the dashboard URL). */
  webhook?: FakeDlocalTarget;
}

/** A payment as the fake holds it (for assertions). */
export interface FakeDlocalPayment {
  id: string;
  orderId: string;
  status: 'PENDING' | 'PAID' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';
  statusCode: string;
  amount: string;
  amountMinor: number;
  currency: string;
  flow: 'DIRECT' | 'REDIRECT';
  ticketNumber: string;
  expiresAt: Date;
  createdAt: Date;
  approvedAt: Date | null;
  notificationUrl: string | null;
  description: string | null;
  payer: Record<string, unknown>;
}

/** One request the fake received (headers are never recorded). */
export interface FakeDlocalRequest {
  operation: FakeDlocalOperation | 'unknown';
  method: string;
  path: string;
  status: number | 'network';
  at: Date;
  body: string;
}

/** One delivery attempt of a notification. */
export type FakeDlocalAttempt = { at: Date; status: number } | { at: Date; error: string };

/** What happened to one notification (a status change of a payment), with its retries. */
export interface FakeDlocalDelivery {
  paymentId: string;
  status: string;
  /** The exact raw body sent (the payment object). */
  body: string;
  /** The signed headers sent: `X-Date`, `X-Login`, `Authorization`. */
  headers: Record<string, string>;
  delivered: boolean;
  attempts: FakeDlocalAttempt[];
  /** When the next retry is due on the fake clock, or `null`. */
  nextAttemptAt: Date | null;
}

/** A failure injected with `failNext`. */
export interface FakeDlocalFault {
  operation?: FakeDlocalOperation;
  count?: number;
  /** `error` answers `status`/`code`; `network` drops the connection; `malformed` answers 200 with HTML. */
  kind?: 'error' | 'network' | 'malformed';
  /** Default 500. */
  status?: number;
  /** dLocal error code. Default 7000. */
  code?: number;
  /** Wait this long before failing, in ms. */
  delayMs?: number;
}

/** Options of `pay()`. */
export interface FakeDlocalPayOptions {
  /** Paid amount (decimal string); another amount simulates a partial or over payment. */
  amount?: string;
  /** Send the notification (default true); `false` is a missed notification. */
  notify?: boolean;
  /** When the payer paid (default: the fake clock). */
  paidAt?: Date;
}
