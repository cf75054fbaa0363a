/**
 * The fixed wording of a voucher in each supported locale, and the default payment steps and
 * places to pay. Placeholders: `{cip}`, `{amount}`, `{merchant}`.
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
  qrCaption: 'Verificación digital',
  qrHint: 'Comprueba la autenticidad de este comprobante escaneando el código QR.',
  keep: 'Conserva este comprobante hasta completar tu pago. Pasada la fecha de vencimiento, el código CIP expira y ya no podrá pagarse.',
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
      detail: 'BCP, BBVA, Interbank, Scotiabank y otras entidades: busca «PagoEfectivo» en pago de servicios.',
    },
    {
      title: 'Agentes y agencias',
      detail: 'Agentes y agencias BCP, BBVA, Interbank y Scotiabank; Kasnet y Western Union.',
    },
    {
      title: 'Bodegas y comercios',
      detail: 'Bodegas y establecimientos afiliados que muestran el distintivo de PagoEfectivo.',
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
  qrCaption: 'Digital verification',
  qrHint: 'Scan the QR code to check that this voucher is genuine.',
  keep: 'Keep this voucher until you have paid. After the expiry date the CIP code expires and can no longer be paid.',
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
      detail: 'BCP, BBVA, Interbank, Scotiabank and other banks: look for "PagoEfectivo" under bill payments.',
    },
    {
      title: 'Agents and branches',
      detail: 'BCP, BBVA, Interbank and Scotiabank agents and branches; Kasnet and Western Union.',
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
