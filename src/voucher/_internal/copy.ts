/**
 * The fixed wording of a voucher in each supported locale, and the default payment steps and
 * places to pay. Placeholders: `{cip}`, `{amount}`, `{merchant}`.
 *
 * The default places to pay are deliberately generic. The protocol notes (shared research of the
 * API, 2017–2023 sources) list no payment channels at all, and PagoEfectivo's network of banks,
 * agents and shops changes over time, so naming brands here would be an unverified claim printed on
 * every voucher. Merchants pass `whereToPay` with the channels their contract lists.
 */
import type { DisplayLocale } from '../../time/display.js';

/** Where the buyer can pay: a heading and a one-line detail. */
export interface PayPlace {
  title: string;
  detail: string;
}

/** Every fixed string of a voucher. */
export interface VoucherCopy {
  subtitle: string;
  merchantCaption: string;
  cipLabel: string;
  amount: string;
  expires: string;
  payer: string;
  order: string;
  concept: string;
  exactAmount: string;
  howToPay: string;
  whereToPay: string;
  qrCaption: string;
  qrHint: string;
  keep: string;
  refundTitle: string;
  supportTitle: string;
  phone: string;
  hours: string;
  /** Record copies: the stamp word, a one-line explanation, and what replaces the barcode/QR. */
  stamps: Readonly<Record<'paid' | 'expired' | 'cancelled' | 'copy', { word: string; note: string }>>;
  paidOn: string;
  noBarcode: string;
  noQr: string;
  recordKeep: string;
  issued: string;
  reference: string;
  watermarkExpiry: string;
  steps: readonly string[];
  places: readonly PayPlace[];
}

const ES: VoucherCopy = {
  subtitle: 'Comprobante de pago en efectivo',
  merchantCaption: 'Comercio afiliado',
  cipLabel: 'CÓDIGO DE PAGO (CIP)',
  amount: 'MONTO A PAGAR',
  expires: 'VENCE',
  payer: 'CLIENTE',
  order: 'N.º DE ORDEN',
  concept: 'CONCEPTO',
  exactAmount: 'Paga el monto exacto; no se aceptan pagos parciales.',
  howToPay: '¿Cómo pagar?',
  whereToPay: '¿Dónde pagar?',
  qrCaption: 'Código de verificación del comercio',
  qrHint:
    'No sirve para pagar. El comercio lo escanea para comprobar que este comprobante es auténtico. Para pagar, da el código CIP.',
  keep: 'Conserva este comprobante hasta completar tu pago. Pasada la fecha de vencimiento, el código CIP expira y ya no podrá pagarse.',
  refundTitle: 'POLÍTICA DE DEVOLUCIONES',
  supportTitle: 'ATENCIÓN AL CLIENTE',
  phone: 'Tel.',
  hours: 'Horario:',
  stamps: {
    paid: { word: 'PAGADO', note: 'Este código ya fue pagado. No lo vuelvas a pagar.' },
    expired: { word: 'VENCIDO', note: 'Este código venció y ya no puede pagarse.' },
    cancelled: { word: 'ANULADO', note: 'Este código fue anulado y ya no puede pagarse.' },
    copy: { word: 'COPIA', note: 'Copia de registro. Para pagar, usa el comprobante original.' },
  },
  paidOn: 'Pagado el',
  noBarcode: 'SIN CÓDIGO DE BARRAS: ESTA COPIA NO SIRVE PARA PAGAR',
  noQr: 'Copia de registro sin código QR',
  recordKeep: 'Copia para los registros del comercio. No sirve para pagar: no lleva código de barras ni código QR.',
  issued: 'Emitido el',
  reference: 'Ref.',
  watermarkExpiry: 'VENCE',
  steps: [
    'Acércate a un agente, agencia o bodega afiliada, o ingresa a tu banca por internet o app móvil.',
    'Indica que realizarás un pago a PagoEfectivo y brinda el código CIP {cip}.',
    'Paga exactamente {amount} antes de la fecha de vencimiento.',
    '¡Listo! {merchant} recibirá la confirmación en minutos; no necesitas enviar este comprobante.',
  ],
  places: [
    {
      title: 'Banca por internet y apps',
      detail: 'En la web o app de tu banco, busca «PagoEfectivo» en pago de servicios e ingresa el código CIP.',
    },
    {
      title: 'Agentes y agencias bancarias',
      detail: 'Indica que pagarás a PagoEfectivo y da el código CIP en un agente o agencia afiliada.',
    },
    {
      title: 'Bodegas y comercios',
      detail: 'Establecimientos afiliados que muestran el distintivo de PagoEfectivo.',
    },
  ],
};

const EN: VoucherCopy = {
  subtitle: 'Cash payment voucher',
  merchantCaption: 'Merchant',
  cipLabel: 'PAYMENT CODE (CIP)',
  amount: 'AMOUNT DUE',
  expires: 'EXPIRES',
  payer: 'CUSTOMER',
  order: 'ORDER NO.',
  concept: 'CONCEPT',
  exactAmount: 'Pay the exact amount; partial payments are not accepted.',
  howToPay: 'How to pay',
  whereToPay: 'Where to pay',
  qrCaption: 'Merchant verification code',
  qrHint: 'Not for payment. The merchant scans it to check that this voucher is genuine. To pay, give the CIP code.',
  keep: 'Keep this voucher until you have paid. After the expiry date the CIP code expires and can no longer be paid.',
  refundTitle: 'REFUND POLICY',
  supportTitle: 'CUSTOMER SUPPORT',
  phone: 'Tel.',
  hours: 'Hours:',
  stamps: {
    paid: { word: 'PAID', note: 'This code has already been paid. Do not pay it again.' },
    expired: { word: 'EXPIRED', note: 'This code has expired and can no longer be paid.' },
    cancelled: { word: 'CANCELLED', note: 'This code was cancelled and can no longer be paid.' },
    copy: { word: 'COPY', note: 'Record copy. To pay, use the original voucher.' },
  },
  paidOn: 'Paid on',
  noBarcode: 'NO BARCODE: THIS COPY CANNOT BE USED TO PAY',
  noQr: 'Record copy without QR code',
  recordKeep: 'Copy for the merchant’s records. It cannot be used to pay: it has no barcode and no QR code.',
  issued: 'Issued on',
  reference: 'Ref.',
  watermarkExpiry: 'EXPIRES',
  steps: [
    'Go to an authorised agent, bank branch or corner shop, or open your online banking or mobile app.',
    'Say you are making a PagoEfectivo payment and give the CIP code {cip}.',
    'Pay exactly {amount} before the expiry date.',
    'Done! {merchant} receives the confirmation within minutes; you do not need to send this voucher.',
  ],
  places: [
    {
      title: 'Online banking and apps',
      detail: 'In your bank’s website or app, look for "PagoEfectivo" under bill payments and enter the CIP code.',
    },
    {
      title: 'Bank agents and branches',
      detail: 'Say you are paying PagoEfectivo and give the CIP code at an affiliated agent or branch.',
    },
    { title: 'Corner shops', detail: 'Affiliated shops (bodegas) showing the PagoEfectivo sign.' },
  ],
};

/** The copy for `locale`. */
export function voucherCopy(locale: DisplayLocale): VoucherCopy {
  return locale === 'en-US' ? EN : ES;
}

/** Replace `{name}` placeholders with `values[name]` (unknown placeholders are left as they are). */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}
