import type { Currency } from '../money/index.js';

/**
 * Input of {@link CashCodeProvider.createCip}, with PagoEfectivo's own field names.
 * `amount` is a decimal string with two decimals (`"150.50"`).
 */
export interface CreateCipInput {
  currency: Currency;
  amount: string;
  /** Merchant reference, 1–36 characters. */
  transactionCode: string;
  userEmail: string;
  dateExpiry?: Date;
  paymentConcept?: string;
  additionalData?: string;
  adminEmail?: string;
  userId?: string;
  userName?: string;
  userLastName?: string;
  userUbigeo?: string;
  userCountry?: string;
  userDocumentType?: 'DNI' | 'PAS' | 'LMI' | 'PAR' | 'NAN';
  userDocumentNumber?: string;
  userPhone?: string;
  userCodeCountry?: string;
}

/** A created CIP. CIP numbers are strings everywhere in the SDK. */
export interface CreatedCip {
  cip: string;
  /**
   * PagoEfectivo's buyer page of the CIP; `null` when the answer carried none (the CIP is still valid:
   * render the voucher from the CIP number with `renderVoucher`).
   */
  cipUrl: string | null;
  /** Decimal string with two decimals, normalised from the API's number. */
  amount: string;
  currency: Currency;
  transactionCode: string;
  dateExpiry: Date;
}

/**
 * A CIP's state as reported by a search. `state` is derived by the SDK from the raw status number,
 * status name and the payment/removal/expiry dates, because PagoEfectivo only documents status 22
 * ("Generado."); the raw values are kept for diagnostics.
 */
export interface CipStatus {
  cip: string;
  state: 'pending' | 'paid' | 'expired' | 'deleted' | 'unknown';
  transactionCode: string;
  amount: string;
  currency: string;
  statusCode: number | null;
  statusName: string | null;
  dateCreation: Date | null;
  dateExpiry: Date | null;
  datePayment: Date | null;
  dateRemoval: Date | null;
}

/**
 * The small provider interface the codes service depends on. The PagoEfectivo client implements it;
 * a merchant reaching PagoEfectivo through a gateway (dLocal, Pagsmile…) can implement it too.
 */
export interface CashCodeProvider {
  createCip(input: CreateCipInput): Promise<CreatedCip>;
  /** Look up several CIPs; unknown numbers are simply absent from the result. */
  searchCips(cips: readonly string[]): Promise<CipStatus[]>;
  updateCipExpiry(cip: string, dateExpiry: Date): Promise<void>;
  deleteCip(cip: string): Promise<void>;
}
