// Annotation planning: ranked by severity then check order, capped at 10 per level, repo-relative paths, and a
// line telling how many were left out. Then the real @actions/core output of the plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emitAnnotations } from '../../src/github/job-summary.ts';
import { planAnnotations } from '../../src/report/annotations.ts';
import type { Finding, Report } from '../../src/report/model.ts';
import { hugeReport, prReport } from './sample-reports.ts';

function many(report: Report, count: number, severity: Finding['severity'], check: 'lint' | 'graph'): void {
  const findings = Array.from({ length: count }, (_, i): Finding => ({
    code: `${check}/x`, severity, message: `${severity} ${i}`, file: `alembic/versions/f${i}.py`, line: i + 1,
  }));
  const existing = report.checks.find((c) => c.id === check);
  if (existing) existing.findings.push(...findings);
  else report.checks.push({ id: check, status: 'failed', durationMs: 0, findings });
}

test('at most 10 per level, most important first, the rest counted', () => {
  const report = prReport();
  many(report, 14, 'warning', 'lint');
  many(report, 12, 'error', 'graph');
  many(report, 3, 'notice', 'lint');
  const plan = planAnnotations(report, { pathPrefix: 'backend' });
  const per = (level: string) => plan.annotations.filter((a) => a.level === level);
  assert.equal(per('error').length, 10);
  assert.equal(per('warning').length, 10);
  assert.equal(per('notice').length, 4);
  assert.deepEqual(plan.omitted, { error: 3, warning: 5, notice: 0 });
  // Errors first; among errors, the graph check (runs before drift) comes first.
  assert.equal(plan.annotations[0]!.level, 'error');
  assert.equal(plan.annotations[0]!.title, 'alembic-preflight: graph/x');
  assert.ok(per('error').every((a) => a.title === 'alembic-preflight: graph/x'), 'the drift error is the one left out');
  // The original lint warning comes before the added ones: same check, reported first.
  assert.equal(per('warning')[0]!.title, 'alembic-preflight: require-concurrent-index');
  assert.match(plan.summaryLine!, /^8 more findings \(3 errors, 5 warnings\) are not annotated/);
  // A failing step keeps one error slot for its own failure message.
  const reserved = planAnnotations(report, { pathPrefix: 'backend', reserveErrors: 1 });
  assert.equal(reserved.annotations.filter((a) => a.level === 'error').length, 9);
  assert.equal(reserved.omitted.error, 4);
});

test('paths are repository-relative; lines only with a file', () => {
  const plan = planAnnotations(prReport(), { pathPrefix: 'services/backend' });
  const warning = plan.annotations.find((a) => a.level === 'warning')!;
  assert.equal(warning.file, 'services/backend/alembic/versions/2b3c4d5e6f70_add_email.py');
  assert.equal(warning.startLine, 21);
  assert.match(warning.message, /postgresql_concurrently=True/);
  assert.equal(planAnnotations(prReport(), { pathPrefix: '.' }).annotations[0]!.file, 'app/models.py');
  assert.equal(plan.summaryLine, undefined);
});

test('emitAnnotations writes ::error/::warning/::notice workflow commands with file and line', (t) => {
  const lines: string[] = [];
  t.mock.method(process.stdout, 'write', (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const report = hugeReport();
    many(report, 3, 'warning', 'lint');
    emitAnnotations(planAnnotations(report, { pathPrefix: 'backend' }));
  } finally {
    t.mock.restoreAll();
  }
  const commands = lines.join('').split('\n').filter(Boolean);
  const errors = commands.filter((l) => l.startsWith('::error '));
  const warnings = commands.filter((l) => l.startsWith('::warning '));
  assert.equal(errors.length, 6);
  assert.equal(warnings.length, 10);
  assert.match(errors[0]!, /^::error title=alembic-preflight%3A drift\/missing-column,file=backend\/app\/models.py,line=14::Model column/);
  assert.ok(commands.includes('3 more findings (3 warnings) are not annotated: GitHub shows at most 10 of each level per step. See the job summary or the report.'));
});
