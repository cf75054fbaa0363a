import { renderCertificationMarkdown } from './markdown.js';
import type { CertifyReport } from './types.js';

/** Render the PDF (loads pdf-lib on first use). */
export async function renderCertificationPdf(report: CertifyReport): Promise<Uint8Array> {
  return (await import('./pdf.js')).renderCertificationPdf(report);
}

/**
 * Write `DIR/certification-report.md` and `DIR/certification-report.pdf` (the folder is created).
 * Resolves to the two paths.
 */
export async function writeCertificationReport(
  report: CertifyReport,
  dir: string,
): Promise<{ markdown: string; pdf: string }> {
  const { writeReportFiles } = await import('../node.js');
  return writeReportFiles(dir, renderCertificationMarkdown(report), await renderCertificationPdf(report));
}
