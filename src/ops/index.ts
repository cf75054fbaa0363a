/**
 * Going live: `runDoctor` checks a deployment (credentials and environment, clock, webhook, store,
 * sweeper and reconciliation runs, expiry policy, voucher key, guards); `runCertify` runs the sandbox
 * integration scenarios and produces the test report (Markdown and PDF). The CLI's `doctor` and
 * `certify` commands wrap them.
 *
 * Node only (DNS lookups, a local webhook listener, report files). pdf-lib and the fake PagoEfectivo
 * are loaded only when a certification runs or a PDF is rendered.
 *
 * @module ops
 */

// doctor
export { formatDoctorReport, runDoctor } from './doctor/run.js';
export {
  DOCTOR_CHECKS,
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorConfig,
  type DoctorCredentials,
  type DoctorReport,
  type DoctorStatus,
  type DoctorThresholds,
  type DoctorWaiver,
} from './doctor/types.js';

// certify
export { runCertify, type CertifyContext } from './certify/run.js';
export { renderCertificationMarkdown } from './certify/markdown.js';
export { type CertifyCatalog, certifyCatalog } from './certify/i18n.js';
export { redactBody } from './certify/redact.js';
export { renderCertificationPdf, writeCertificationReport } from './certify/write.js';
export type {
  CertifyExchange,
  CertifyLanguage,
  CertifyOptions,
  CertifyReport,
  CertifyStep,
  CertifyStepId,
} from './certify/types.js';

// the job runs doctor reads (recorded by codes.sweepExpired and reconciliation)
export {
  type JobRun,
  jobFindingsKey,
  jobRunKey,
  type RecordedFinding,
  type RecordedFindings,
  type RecordedJob,
  readJobFindings,
  readJobRun,
  recordJobFindings,
  recordJobRun,
} from '../codes/runs.js';
