import { certifyCatalog } from './i18n.js';
import type { CertifyReport } from './types.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const fence = (text: string): string => `\`\`\`\n${text.replace(/```/g, "'''")}\n\`\`\``;

/** The certification report as Markdown, in the report's language. */
export function renderCertificationMarkdown(report: CertifyReport): string {
  const t = certifyCatalog(report.lang);
  const lines = [
    `# ${t.title}`,
    '',
    `- **${t.labels.environment}:** ${report.environment}`,
    `- **${t.labels.service}:** ${report.serviceId}`,
    `- **${t.labels.sdk}:** ${report.sdkVersion}`,
    `- **${t.labels.started}:** ${report.startedAt.toISOString()}`,
    `- **${t.labels.finished}:** ${report.finishedAt.toISOString()}`,
    `- **${t.labels.result}:** ${report.passed ? t.labels.passed : t.labels.failed}`,
    '',
    `## ${t.labels.summary}`,
    '',
    `| # | ${t.labels.step} | ${t.labels.result} | ${t.labels.duration} |`,
    '| - | - | - | - |',
    ...report.steps.map(
      (step, index) =>
        `| ${index + 1} | ${cell(t.steps[step.id])} | ${t.status[step.status]} | ${step.durationMs} ms |`,
    ),
    '',
    `## ${t.labels.details}`,
    '',
    `_${t.labels.redactedNote}_`,
  ];
  report.steps.forEach((step, index) => {
    lines.push('', `### ${index + 1}. ${t.steps[step.id]} — ${t.status[step.status]}`, '', step.message, '');
    lines.push(`${t.labels.duration}: ${step.durationMs} ms`);
    for (const exchange of step.exchanges) {
      lines.push('', `**${t.labels.request}:** \`${exchange.method} ${exchange.path}\` (${exchange.kind})`);
      if (exchange.requestBody !== '') lines.push('', fence(exchange.requestBody));
      const status = exchange.status === null ? t.labels.noAnswer : String(exchange.status);
      lines.push('', `**${t.labels.response}:** ${status}, ${exchange.durationMs} ms`);
      if (exchange.responseBody !== '') lines.push('', fence(exchange.responseBody));
    }
  });
  return `${lines.join('\n')}\n`;
}
