/**
 * Cold import cost of a module against a baseline, in fresh `node` processes: each process imports
 * one side only and reports the CPU time (user + system, `process.cpuUsage`) and the wall time spent in
 * its `await import()` calls. Subject and baseline alternate process by process, so a burst of
 * background load on the shared machine hits both alike; the ratio is the median of the per-pair
 * ratios. CPU time is the goal's measure: a fresh process on a busy 2-vCPU VM waits for a core for a
 * varying share of its wall time, which says nothing about the module.
 */
import { execFileSync } from 'node:child_process';

/** One side of the comparison: module specifiers imported one after the other in the same process. */
export interface ImportSide {
  label: string;
  specifiers: readonly string[];
}

/** Medians over the fresh processes, and the median of per-pair CPU ratios subject / baseline. */
export interface ColdImportComparison {
  runs: number;
  subject: { cpuMs: number; wallMs: number };
  baseline: { cpuMs: number; wallMs: number };
  cpuRatio: number;
  wallRatio: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/** CPU and wall milliseconds of importing `specifiers` in a fresh process started in `cwd`. */
function importOnce(specifiers: readonly string[], cwd: string): { cpuMs: number; wallMs: number } {
  const imports = specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('');
  const script =
    'const c = process.cpuUsage(); const t = performance.now();' +
    `${imports}` +
    'const w = performance.now() - t; const u = process.cpuUsage(c);' +
    'console.log(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, wallMs: w }));';
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  return JSON.parse(output.trim()) as { cpuMs: number; wallMs: number };
}

/** Compare the cold import of `subject` with `baseline` over `runs` pairs of fresh processes (≥ 5). */
export function compareColdImports(
  subject: ImportSide,
  baseline: ImportSide,
  cwd: string,
  runs = 11,
): ColdImportComparison {
  const ours: { cpuMs: number; wallMs: number }[] = [];
  const theirs: { cpuMs: number; wallMs: number }[] = [];
  for (let run = 0; run < Math.max(5, runs); run++) {
    // Alternate which side goes first, so neither always runs right after the other's exit.
    if (run % 2 === 0) {
      ours.push(importOnce(subject.specifiers, cwd));
      theirs.push(importOnce(baseline.specifiers, cwd));
    } else {
      theirs.push(importOnce(baseline.specifiers, cwd));
      ours.push(importOnce(subject.specifiers, cwd));
    }
  }
  return {
    runs: ours.length,
    subject: { cpuMs: median(ours.map((r) => r.cpuMs)), wallMs: median(ours.map((r) => r.wallMs)) },
    baseline: { cpuMs: median(theirs.map((r) => r.cpuMs)), wallMs: median(theirs.map((r) => r.wallMs)) },
    cpuRatio: median(ours.map((r, index) => r.cpuMs / (theirs[index]?.cpuMs ?? Number.NaN))),
    wallRatio: median(ours.map((r, index) => r.wallMs / (theirs[index]?.wallMs ?? Number.NaN))),
  };
}

/** One line per side and the ratio against its goal, e.g. `… 0.12x (goal ≤ 0.50x) OK`. */
export function describeComparison(
  comparison: ColdImportComparison,
  subject: ImportSide,
  baseline: ImportSide,
  goal: number,
): string {
  const { subject: ours, baseline: theirs, cpuRatio, wallRatio, runs } = comparison;
  const verdict = cpuRatio <= goal ? 'OK' : 'OVER GOAL';
  return [
    `cold import, ${runs} fresh processes each, alternating; CPU (user + system) and wall medians:`,
    `  ${subject.label.padEnd(58)} CPU ${ours.cpuMs.toFixed(1).padStart(6)} ms   wall ${ours.wallMs.toFixed(1).padStart(6)} ms`,
    `  ${baseline.label.padEnd(58)} CPU ${theirs.cpuMs.toFixed(1).padStart(6)} ms   wall ${theirs.wallMs.toFixed(1).padStart(6)} ms`,
    `  ratio (median of per-pair ratios): CPU ${cpuRatio.toFixed(2)}x (goal ≤ ${goal.toFixed(2)}x) ${verdict}; ` +
      `wall ${wallRatio.toFixed(2)}x`,
  ].join('\n');
}
