import type { CertifyLanguage, CertifyStepId } from './types.js';

/** Every text of the report, per language (a missing key fails to compile). */
export interface CertifyCatalog {
  title: string;
  steps: Record<CertifyStepId, string>;
  status: Record<'passed' | 'failed' | 'skipped', string>;
  labels: {
    environment: string;
    service: string;
    sdk: string;
    started: string;
    finished: string;
    result: string;
    passed: string;
    failed: string;
    step: string;
    duration: string;
    request: string;
    response: string;
    noAnswer: string;
    redactedNote: string;
    summary: string;
    details: string;
  };
}

const es: CertifyCatalog = {
  title: 'Informe de pruebas de integración con PagoEfectivo',
  steps: {
    store: 'Almacén de códigos disponible',
    authenticate: 'Autenticación',
    create_cip: 'Generar un CIP con todos los campos opcionales',
    search_cip: 'Consultar el CIP',
    extend_expiry: 'Ampliar la fecha de expiración',
    delete_cip: 'Eliminar un CIP',
    payment_notification: 'Recibir y verificar la notificación de pago',
    forged_notification: 'Rechazar una notificación falsificada',
    duplicate_notification: 'Rechazar una notificación duplicada',
    wrong_amount_notification: 'Rechazar una notificación con otro importe',
    sweep_expired: 'Expirar un código vencido (barrido)',
  },
  status: { passed: 'APROBADO', failed: 'FALLIDO', skipped: 'OMITIDO' },
  labels: {
    environment: 'Ambiente',
    service: 'Servicio (idService)',
    sdk: 'Versión de pagoefectivo-kit',
    started: 'Inicio',
    finished: 'Fin',
    result: 'Resultado',
    passed: 'APROBADO: todos los pasos pasaron',
    failed: 'FALLIDO: al menos un paso no pasó',
    step: 'Paso',
    duration: 'Duración',
    request: 'Solicitud',
    response: 'Respuesta',
    noAnswer: 'sin respuesta',
    redactedNote: 'Claves, tokens, firmas y datos personales aparecen como [redacted].',
    summary: 'Resumen',
    details: 'Detalle de los pasos',
  },
};

const en: CertifyCatalog = {
  title: 'PagoEfectivo integration test report',
  steps: {
    store: 'Code store available',
    authenticate: 'Authenticate',
    create_cip: 'Create a CIP with every optional field',
    search_cip: 'Search the CIP',
    extend_expiry: 'Extend the expiry date',
    delete_cip: 'Delete a CIP',
    payment_notification: 'Receive and verify the payment notification',
    forged_notification: 'Reject a forged notification',
    duplicate_notification: 'Reject a duplicate notification',
    wrong_amount_notification: 'Reject a notification with another amount',
    sweep_expired: 'Expire an overdue code (sweeper)',
  },
  status: { passed: 'PASSED', failed: 'FAILED', skipped: 'SKIPPED' },
  labels: {
    environment: 'Environment',
    service: 'Service (idService)',
    sdk: 'pagoefectivo-kit version',
    started: 'Started',
    finished: 'Finished',
    result: 'Result',
    passed: 'PASSED: every step passed',
    failed: 'FAILED: at least one step did not pass',
    step: 'Step',
    duration: 'Duration',
    request: 'Request',
    response: 'Response',
    noAnswer: 'no answer',
    redactedNote: 'Keys, tokens, signatures and personal data are shown as [redacted].',
    summary: 'Summary',
    details: 'Steps in detail',
  },
};

/** The catalog of a language. */
export function certifyCatalog(lang: CertifyLanguage): CertifyCatalog {
  return lang === 'en' ? en : es;
}
