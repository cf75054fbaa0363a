import { toWinAnsi } from '../../voucher/_internal/winansi.js';
import { certifyCatalog } from './i18n.js';
import type { CertifyReport } from './types.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const COLORS = { passed: [0.1, 0.55, 0.25], failed: [0.78, 0.12, 0.12], skipped: [0.45, 0.45, 0.45] } as const;

/**
 * The certification report as an A4 PDF (standard fonts, nothing embedded), in the report's language.
 * pdf-lib is loaded here, on first use, so importing `pagoefectivo-kit/ops` stays light.
 */
export async function renderCertificationPdf(report: CertifyReport): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const t = certifyCatalog(report.lang);
  const doc = await PDFDocument.create();
  doc.setTitle(t.title);
  doc.setProducer(`pagoefectivo-kit ${report.sdkVersion}`);
  doc.setCreationDate(report.finishedAt);
  doc.setModificationDate(report.finishedAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mono = await doc.embedFont(StandardFonts.Courier);
  let page = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const width = A4.width - 2 * MARGIN;

  type Font = typeof regular;
  const wrap = (text: string, font: Font, size: number, max: number): string[] => {
    const lines: string[] = [];
    for (const paragraph of toWinAnsi(text).split('\n')) {
      let line = '';
      for (const word of paragraph.split(/(\s+)/)) {
        const next = line + word;
        if (font.widthOfTextAtSize(next, size) <= max) {
          line = next;
          continue;
        }
        if (line.trim() !== '') lines.push(line.trimEnd());
        // A word longer than the line (a JSON body) is cut by characters.
        let rest = word.trimStart();
        while (font.widthOfTextAtSize(rest, size) > max) {
          let cut = rest.length;
          while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > max) cut -= 1;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      lines.push(line.trimEnd());
    }
    return lines;
  };
  const write = (text: string, font: Font, size: number, color = rgb(0.1, 0.1, 0.1), indent = 0): void => {
    for (const line of wrap(text, font, size, width - indent)) {
      if (y < MARGIN + size) {
        page = doc.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN;
      }
      page.drawText(line, { x: MARGIN + indent, y: y - size, size, font, color });
      y -= size * 1.35;
    }
  };
  const gap = (points: number): void => {
    y -= points;
  };
  const tone = (status: keyof typeof COLORS): ReturnType<typeof rgb> => {
    const [r, g, b] = COLORS[status];
    return rgb(r, g, b);
  };

  page.drawRectangle({ x: 0, y: A4.height - 8, width: A4.width, height: 8, color: rgb(1, 0.78, 0.05) });
  write(t.title, bold, 18);
  gap(6);
  for (const [label, value] of [
    [t.labels.environment, report.environment],
    [t.labels.service, report.serviceId],
    [t.labels.sdk, report.sdkVersion],
    [t.labels.started, report.startedAt.toISOString()],
    [t.labels.finished, report.finishedAt.toISOString()],
  ] as const) {
    write(`${label}: ${value}`, regular, 10);
  }
  gap(4);
  write(report.passed ? t.labels.passed : t.labels.failed, bold, 13, tone(report.passed ? 'passed' : 'failed'));
  gap(10);
  write(t.labels.summary, bold, 13);
  report.steps.forEach((step, index) => {
    const label = `${t.status[step.status]}`;
    const lineY = y;
    write(`${index + 1}. ${t.steps[step.id]}`, regular, 10, rgb(0.1, 0.1, 0.1), 0);
    page.drawText(label, { x: A4.width - MARGIN - 110, y: lineY - 10, size: 10, font: bold, color: tone(step.status) });
    page.drawText(`${step.durationMs} ms`, {
      x: A4.width - MARGIN - 40,
      y: lineY - 10,
      size: 9,
      font: regular,
      color: rgb(0.3, 0.3, 0.3),
    });
  });
  gap(10);
  write(t.labels.details, bold, 13);
  write(t.labels.redactedNote, regular, 8, rgb(0.35, 0.35, 0.35));
  report.steps.forEach((step, index) => {
    gap(8);
    write(
      `${index + 1}. ${t.steps[step.id]} — ${t.status[step.status]} (${step.durationMs} ms)`,
      bold,
      11,
      tone(step.status),
    );
    write(step.message, regular, 9);
    for (const exchange of step.exchanges) {
      const status = exchange.status === null ? t.labels.noAnswer : String(exchange.status);
      write(
        `${t.labels.request}: ${exchange.method} ${exchange.path} (${exchange.kind})`,
        bold,
        8,
        rgb(0.2, 0.2, 0.2),
        10,
      );
      if (exchange.requestBody !== '') write(exchange.requestBody, mono, 7, rgb(0.25, 0.25, 0.25), 10);
      write(`${t.labels.response}: ${status}, ${exchange.durationMs} ms`, bold, 8, rgb(0.2, 0.2, 0.2), 10);
      if (exchange.responseBody !== '') write(exchange.responseBody, mono, 7, rgb(0.25, 0.25, 0.25), 10);
    }
  });
  return doc.save();
}
