// Plans the GitHub annotations for a report: ranked (severity, then check order), at most `perType` of each
// level (GitHub shows 10 errors, 10 warnings and 10 notices per step), with a line saying how many were left out.

import { posix } from 'node:path';
import type { Finding, Report, Severity } from './model.ts';
import { rankedFindings } from './ranking.ts';
import { countsPhrase } from './wording.ts';

/** GitHub's per-step limit for each annotation level. */
export const ANNOTATIONS_PER_TYPE = 10;

export interface Annotation {
  level: Severity;
  title: string;
  message: string;
  /** Repository-relative path (posix). */
  file?: string;
  startLine?: number;
}

export interface AnnotationPlan {
  annotations: Annotation[];
  omitted: Record<Severity, number>;
  /** Says how many were left out and where to find them, or undefined when none were. */
  summaryLine?: string;
}

export interface AnnotationOptions {
  /** The project directory relative to the repository root (posix). Default: report.projectDir. */
  pathPrefix?: string;
  perType?: number;
  /** Error slots to leave free: the step's own failure message (core.setFailed) is an error annotation too. */
  reserveErrors?: number;
}

function message(f: Finding): string {
  const lines = [f.message];
  if (f.revision) lines.push(`Revision ${f.revision}.`);
  for (const d of f.details ?? []) lines.push(`- ${d}`);
  if (f.hint) lines.push('', f.hint);
  return lines.join('\n');
}

export function planAnnotations(report: Report, options: AnnotationOptions = {}): AnnotationPlan {
  const prefix = (options.pathPrefix ?? report.projectDir).replaceAll('\\', '/');
  const perType = options.perType ?? ANNOTATIONS_PER_TYPE;
  const used: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const omitted: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const annotations: Annotation[] = [];
  const cap: Record<Severity, number> = { error: perType - (options.reserveErrors ?? 0), warning: perType, notice: perType };
  for (const { finding: f } of rankedFindings(report)) {
    if (used[f.severity] >= cap[f.severity]) {
      omitted[f.severity]++;
      continue;
    }
    used[f.severity]++;
    const file = f.file ? posix.normalize(posix.join(prefix, f.file.replaceAll('\\', '/'))).replace(/^\.\//, '') : undefined;
    annotations.push({
      level: f.severity,
      title: `alembic-preflight: ${f.code}`,
      message: message(f),
      ...(file ? { file } : {}),
      ...(file && f.line && f.line >= 1 ? { startLine: f.line } : {}),
    });
  }
  const left = omitted.error + omitted.warning + omitted.notice;
  const summaryLine = left
    ? `${left} more findings (${countsPhrase(omitted)}) are not annotated: GitHub shows at most ${perType} of each level per step. See the job summary or the report.`
    : undefined;
  return { annotations, omitted, ...(summaryLine ? { summaryLine } : {}) };
}
