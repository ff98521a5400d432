// Writes the job summary (GITHUB_STEP_SUMMARY) through @actions/core, and the annotations of a planned set.
// Outside GitHub Actions (no summary file) the summary is skipped and said so, never an error.

import * as core from '@actions/core';
import type { AnnotationPlan } from '../report/annotations.ts';

export async function writeJobSummary(markdown: string): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('no GITHUB_STEP_SUMMARY: job summary skipped');
    return false;
  }
  await core.summary.addRaw(markdown, true).write();
  return true;
}

export function emitAnnotations(plan: AnnotationPlan): void {
  for (const a of plan.annotations) {
    const properties = { title: a.title, ...(a.file ? { file: a.file } : {}), ...(a.startLine ? { startLine: a.startLine } : {}) };
    if (a.level === 'error') core.error(a.message, properties);
    else if (a.level === 'warning') core.warning(a.message, properties);
    else core.notice(a.message, properties);
  }
  if (plan.summaryLine) core.info(plan.summaryLine);
}
