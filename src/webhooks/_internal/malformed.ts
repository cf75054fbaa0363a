import { type ValidationIssue, WebhookVerificationError } from '../../errors.js';

/** The `malformed_payload` error, with one issue per offending field in `details.issues`. */
export function malformed(message: string, issues: ValidationIssue[], cause?: unknown): WebhookVerificationError {
  return new WebhookVerificationError('malformed_payload', message, { cause, details: { issues } });
}
